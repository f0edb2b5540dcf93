"""Splitting text into sentence segments and putting translated segments back together."""

from __future__ import annotations

import re

from services.translate.domain.model import Segment

# A sentence ends with . ! ? or … and is followed by whitespace; the whitespace is kept so that
# the assembled target keeps the source's line and paragraph breaks.
_BOUNDARY = re.compile(r"(?<=[.!?…])(\s+)")


def split_sentences(text: str) -> list[tuple[str, str]]:
    """(sentence, whitespace after it) pairs; empty sentences are dropped."""
    parts = _BOUNDARY.split(text.strip())
    pairs: list[tuple[str, str]] = []
    for index in range(0, len(parts), 2):
        sentence = parts[index]
        gap = parts[index + 1] if index + 1 < len(parts) else ""
        if sentence.strip():
            pairs.append((sentence.strip(), gap))
    return pairs


def segment_texts(texts: dict[str, str]) -> list[Segment]:
    """Segments of every field, with ids `<field>-<n>` stable for one revision."""
    segments: list[Segment] = []
    for field, text in texts.items():
        for number, (sentence, gap) in enumerate(split_sentences(text), start=1):
            segments.append(Segment(id=f"{field}-{number}", field=field, source=sentence,
                                    gap=gap))
    return segments


def assemble(segments: list[Segment]) -> dict[str, str]:
    """The target text of each field; a segment without target keeps nothing (callers check)."""
    texts: dict[str, str] = {}
    for segment in segments:
        texts[segment.field] = texts.get(segment.field, "") + (segment.target or "") + segment.gap
    return {field: text.strip() for field, text in texts.items()}
