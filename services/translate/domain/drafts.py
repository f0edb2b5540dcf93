"""Drafts and what people changed in them: a segment prefilled from memory or the machine keeps
that draft beside the target a person then writes, so a reviewer sees the words they changed.

The diff is by words, not characters (a reviewer reads words): the tokens are words, runs of
punctuation and runs of whitespace, so the `equal` and `insert` runs joined give the target
back exactly, and the `equal` and `delete` runs joined give the draft.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal

from services.translate.domain.model import Segment
from shared.contracts.translate.rpc import DiffOp, DraftOrigin, SegmentChange

_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")
Op = Literal["equal", "insert", "delete"]


def prefilled(segment: Segment, target: str, origin: DraftOrigin) -> Segment:
    """The segment with a memory or machine target, kept as its draft too."""
    return segment.model_copy(update={"target": target, "origin": origin, "draft": target,
                                      "draft_origin": origin})


def draft_of(segment: Segment) -> tuple[str | None, DraftOrigin | None]:
    """The segment's draft and where it came from. A job drafted before drafts were kept has
    its prefilled target only while nobody edited it."""
    if segment.draft is not None:
        return segment.draft, segment.draft_origin
    if segment.target is None:
        return None, None
    if segment.origin == "memory":
        return segment.target, "memory"
    if segment.origin == "machine":
        return segment.target, "machine"
    return None, None


def word_diff(before: str, after: str) -> list[DiffOp]:
    """The runs of words kept, deleted from `before` and inserted into `after`, in order."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    runs: list[tuple[Op, str]] = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(runs, "equal", "".join(old[i1:i2]))
            continue
        _append(runs, "delete", "".join(old[i1:i2]))
        _append(runs, "insert", "".join(new[j1:j2]))
    return [DiffOp(op=op, text=text) for op, text in runs]


def _append(runs: list[tuple[Op, str]], op: Op, text: str) -> None:
    if not text:
        return
    if runs and runs[-1][0] == op:
        runs[-1] = (op, runs[-1][1] + text)
    else:
        runs.append((op, text))


def segment_change(segment: Segment) -> SegmentChange:
    """One segment's draft beside its target; a segment without draft is all inserted."""
    draft, origin = draft_of(segment)
    target = segment.target or ""
    return SegmentChange(
        id=segment.id, field=segment.field, source=segment.source, draft=draft,
        draft_origin=origin, target=segment.target, origin=segment.origin,
        changed=(draft or "") != target, diff=word_diff(draft or "", target))
