"""What the translators' pages read from a request and decide before calling the service.

Pure functions (no I/O), so each rule has a small unit test: the queue's filters from the
address bar, the segments a form changed, whether the reader may edit a job now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, get_args

from pydantic import ValidationError

from shared.contracts.translate.rpc import (
    DraftSegment,
    JobChanges,
    JobStatus,
    JobView,
    ListJobs,
    SegmentView,
)
from shared.reference import LANGUAGES

STATUSES: Final[tuple[str, ...]] = get_args(JobStatus)
LANGUAGE_CODES: Final[tuple[str, ...]] = tuple(language.code for language in LANGUAGES)
SHOWN: Final = 50
"""Jobs on one page of the queue."""
EDITABLE: Final = frozenset({"draft_ready", "rejected"})
"""Statuses in which the claim holder may save and submit (the service's CLAIMABLE)."""
CLAIMABLE: Final = frozenset({"queued", "drafting", "draft_ready", "rejected", "failed"})
"""Statuses a translator may claim from (the service moves the waiting and failed ones)."""
TARGET_FIELD: Final = "target-"
"""Form fields `target-<segment id>` carry the segments' targets."""


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters as the form sent them, and the query they make (None: invalid)."""

    values: dict[str, str]
    query: ListJobs | None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), UTC) if day else None


def queue_filters(params: Mapping[str, str]) -> QueueFilters:
    """Filters from the address bar. Due dates are whole days (UTC), both ends included; a
    value the form cannot have sent makes the filters invalid, and the page says so."""
    values = {name: str(params.get(name, "")).strip()
              for name in ("status", "source", "target", "due_from", "due_to", "after")}
    due_from, due_to = _day(values["due_from"]), _day(values["due_to"])
    bad_day = (values["due_from"] and due_from is None) or (values["due_to"] and due_to is None)
    try:
        query = None if bad_day else ListJobs(
            status=values["status"] or None, source=values["source"] or None,
            target=values["target"] or None,
            due_after=_start_of(due_from),
            due_before=_start_of(due_to + timedelta(days=1) if due_to else None),
            limit=SHOWN, after=values["after"] or None)
    except ValidationError:
        query = None
    return QueueFilters(values, query)


def edited_segments(job: JobView, form: Mapping[str, Any]) -> list[DraftSegment]:
    """The segments whose target the form changes: only those are saved, so a save never
    overwrites a segment the person did not touch (the others keep what the job holds)."""
    edited = []
    for segment in job.segments:
        typed = form.get(TARGET_FIELD + segment.id)
        if typed is None:
            continue
        text = normal_text(str(typed))
        if text != (segment.target or ""):
            edited.append(DraftSegment(id=segment.id, target=text))
    return edited


def normal_text(typed: str) -> str:
    """A textarea's value as stored: browsers send CRLF line ends."""
    return typed.replace("\r\n", "\n").strip()


def typed_targets(form: Mapping[str, Any]) -> dict[str, str]:
    """What the form carried for each segment (shown back when a save could not be made)."""
    return {str(name)[len(TARGET_FIELD):]: normal_text(str(value))
            for name, value in form.items() if str(name).startswith(TARGET_FIELD)}


def form_version(form: Mapping[str, Any]) -> int | None:
    """The job's version the page was rendered from, if the form carried a sound one."""
    text = str(form.get("version", ""))
    return int(text) if text.isdigit() else None


def holds_claim(job: JobView, actor: str, now: datetime) -> bool:
    """Whether `actor` holds a live claim on the job (the service checks the same)."""
    return (job.claimed_by == actor and job.lease_until is not None
            and job.lease_until > now)


def may_edit(job: JobView, actor: str, now: datetime) -> bool:
    """Whether the page offers the textareas and Save / Submit to `actor`."""
    return job.status in EDITABLE and holds_claim(job, actor, now)


def may_claim(job: JobView, actor: str, now: datetime) -> bool:
    """Whether the page offers Claim: a claimable job nobody else holds right now."""
    return (job.status in CLAIMABLE and not taken_by_another(job, actor, now)
            and not may_edit(job, actor, now))


def taken_by_another(job: JobView, actor: str, now: datetime) -> bool:
    """Another translator holds a live claim (the page says so, without their name)."""
    return (job.claimed_by not in (None, actor) and job.lease_until is not None
            and job.lease_until > now)


def segment_rows(job: JobView, typed: Mapping[str, str]) -> list[tuple[SegmentView, str]]:
    """Each segment with the text its textarea shows: what was typed, else its target."""
    return [(segment, typed.get(segment.id, segment.target or "")) for segment in job.segments]


def unsaved(job: JobView, typed: Mapping[str, str]) -> dict[str, str]:
    """What was typed and differs from the job as it is now, by segment id."""
    return {segment.id: typed[segment.id] for segment in job.segments
            if segment.id in typed and typed[segment.id] != (segment.target or "")}


def edited_drafts(changes: JobChanges) -> int:
    """Segments whose draft (memory or machine) the translator changed. The service's
    `changed_segments` also counts segments that had no draft at all, which the review page
    lists apart ("No draft: the translator wrote it all")."""
    return sum(1 for segment in changes.segments if segment.draft is not None and segment.changed)
