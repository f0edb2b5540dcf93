"""Translation-memory matching: exact fills, fuzzy suggestions at 75% similarity or more."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from shared.contracts.translate.rpc import Suggestion

FUZZY_THRESHOLD = 75.0


def normalized(sentence: str) -> str:
    """The memory key of a sentence: case and spacing do not matter."""
    return " ".join(sentence.casefold().split())


def fuzzy_suggestions(source: str, remembered: dict[str, tuple[str, str]],
                      limit: int = 3) -> list[Suggestion]:
    """Remembered pairs similar to `source`; `remembered` maps normalized source to
    (source, target)."""
    matches = process.extract(normalized(source), list(remembered), scorer=fuzz.ratio,
                              score_cutoff=FUZZY_THRESHOLD, limit=limit)
    return [Suggestion(text=remembered[key][1], score=round(score, 1), match=round(score),
                       source=remembered[key][0]) for key, score, _ in matches]
