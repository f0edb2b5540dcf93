"""What a job may do next: small predicates and the transitions they guard.

Leases are compared here, in Python, to the microsecond: never in a MongoDB query (the embedded
stand-in compares datetimes in queries only to the whole second).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from services.translate.domain.errors import Refused
from services.translate.domain.model import (
    CLAIMABLE_STATUSES,
    OPEN_STATUSES,
    WAITING_FOR_DRAFT,
    Job,
    Segment,
)

SYSTEM = "system"
_NO_DUE_DATE = 9_999_999_999_999


def job_id_for(document_id: str, revision: int, target: str,
               subject: str = "document") -> str:
    """The one id of the job for (document, revision, target): a redelivery makes no second.
    A session's jobs hash its subject too, so they never share an id with a document's."""
    key = f"{document_id}\x1f{revision}\x1f{target}"
    if subject != "document":
        key = f"{subject}\x1f{key}"
    return f"job_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


def urgency_rank(due_at: datetime | None, priority: int, job_id: str) -> str:
    """A string that sorts most urgent first: earliest due date, then highest priority."""
    due_ms = int(due_at.timestamp() * 1000) if due_at else _NO_DUE_DATE
    return f"{due_ms:013d}.{9 - max(0, min(priority, 9))}.{job_id}"


def _rank_of_moment(moment: datetime) -> str:
    return f"{min(max(int(moment.timestamp() * 1000), 0), _NO_DUE_DATE):013d}"


def due_window(due_after: datetime | None,
               due_before: datetime | None) -> tuple[str | None, str | None]:
    """The ranks of the jobs due at or after `due_after` and before `due_before` (to the
    millisecond): the lowest such rank, and the rank they stay below. A rank begins with the
    due date, so a window is a range of the index the queue is sorted by (no time compared in a
    query); a job without a due date lies outside every window."""
    lowest = _rank_of_moment(due_after) if due_after else None
    if due_before:
        return lowest, _rank_of_moment(due_before)
    return lowest, (f"{_NO_DUE_DATE:013d}" if due_after else None)


def due_follows_session(job: Job) -> bool:
    """An open job linked to a session whose due date nobody asked for: it moves with the
    session's start."""
    return job.session_id is not None and not job.due_requested and job.status in OPEN_STATUSES


def rescheduled(job: Job, due_at: datetime) -> Job:
    """The job due at `due_at`, ranked again by it."""
    return job.model_copy(update={"due_at": due_at,
                                  "rank": urgency_rank(due_at, job.priority, job.id)})


def lease_is_live(job: Job, now: datetime) -> bool:
    return job.lease_until is not None and job.lease_until > now


def lease_is_held_by(job: Job, actor: str, now: datetime) -> bool:
    return job.claimed_by == actor and lease_is_live(job, now)


def waits_for_draft(job: Job) -> bool:
    """Queued for the drafter or being drafted: nobody has filled its segments yet."""
    return job.status in WAITING_FOR_DRAFT


def claim(job: Job, actor: str, now: datetime, lease: timedelta,
          prepared: list[Segment] | None = None) -> Job:
    """Claim (or renew the caller's claim on) a job; another's live lease refuses.

    A job whose machine draft failed is claimable: a translator takes it over by hand. So is a
    job still waiting for its draft: the translator starts at once with `prepared` (its
    segments with memory matches and glossary terms), and the machine draft, if one is being
    made, is not wanted any more (see `is_drafting_under`).
    """
    if job.status == "failed":
        job = job.moved("draft_ready", actor, now, "taken over by hand after the engine failed")
    elif waits_for_draft(job):
        job = job.moved("draft_ready", actor, now, "claimed before its machine draft",
                        segments=prepared if prepared is not None else job.segments,
                        lease_until=None, machine=False)
    if job.status not in CLAIMABLE_STATUSES:
        raise Refused("conflict", f"A job in status {job.status!r} cannot be claimed.")
    if lease_is_live(job, now) and job.claimed_by != actor:
        raise Refused("conflict", "Another translator holds a live claim on this job.")
    return job.model_copy(update={"claimed_by": actor, "lease_until": now + lease})


def _require_lease(job: Job, actor: str, now: datetime) -> None:
    if job.status not in CLAIMABLE_STATUSES:
        raise Refused("conflict", f"A job in status {job.status!r} takes no drafts.")
    if not lease_is_held_by(job, actor, now):
        raise Refused("conflict", "Claim the job first (or renew an expired claim).")


def save_draft(job: Job, actor: str, now: datetime, targets: dict[str, str],
               version: int | None = None) -> Job:
    """Store the translator's targets for the named segments (some or all: save as you go).

    With `version`, only over the job as the translator last read it."""
    _require_lease(job, actor, now)
    if version is not None and version != job.version:
        raise Refused("conflict", f"The job changed since version {version} was read (it is "
                      f"at {job.version}): reload it and save again.")
    known = {segment.id for segment in job.segments}
    if unknown := [(n, id_) for n, id_ in enumerate(targets) if id_ not in known]:
        names = ", ".join(id_ for _, id_ in unknown[:10])
        raise Refused("invalid", f"Unknown segment ids: {names}.", {"errors": [
            {"loc": ["segments", n, "id"], "msg": "no segment of this job has this id"}
            for n, _ in unknown]})
    segments = [_edited(segment, targets.get(segment.id)) for segment in job.segments]
    return job.model_copy(update={"segments": segments})


def _edited(segment: Segment, target: str | None) -> Segment:
    if target is None or target == segment.target:
        return segment
    return segment.model_copy(update={"target": target, "origin": "translator"})


def submit(job: Job, actor: str, now: datetime) -> Job:
    """Hand the draft in for review: every segment must have a target."""
    _require_lease(job, actor, now)
    if missing := [segment.id for segment in job.segments if not (segment.target or "").strip()]:
        raise Refused("invalid", f"Segments without target text: {', '.join(missing[:10])}.")
    return job.moved("in_review", actor, now, translator=actor, lease_until=None)


def _require_reviewable(job: Job, actor: str, four_eyes: bool) -> None:
    if job.status != "in_review":
        raise Refused("conflict", f"A job in status {job.status!r} is not in review.")
    if four_eyes and actor == job.translator:
        raise Refused("forbidden", "Four-eyes review: the translator may not review the job.")


def approve(job: Job, actor: str, now: datetime, four_eyes: bool) -> Job:
    """Accept the reviewed translation; the completion event goes out with this write."""
    _require_reviewable(job, actor, four_eyes)
    return job.moved("approved", actor, now, reviewer=actor, approved_at=now, reason=None)


def reject(job: Job, actor: str, now: datetime, reason: str, four_eyes: bool) -> Job:
    """Send the job back to its translator (who claims it again) with the reviewer's reason."""
    _require_reviewable(job, actor, four_eyes)
    return job.moved("rejected", actor, now, reason, reviewer=actor, reason=reason)


def start_drafting(job: Job, now: datetime, lease: timedelta) -> Job:
    """Take a queued job (or one whose drafter died) for drafting."""
    stalled = job.status == "drafting" and not lease_is_live(job, now)
    if job.status != "queued" and not stalled:
        raise Refused("conflict", f"A job in status {job.status!r} is not waiting for a draft.")
    return job.moved("drafting", SYSTEM, now, lease_until=now + lease, claimed_by=None)


def drafting_retry_in(job: Job | None, now: datetime) -> float | None:
    """Seconds until a job that could not be taken for drafting is worth trying again: it is
    being drafted under a lease that may be a dead drafter's. None: nothing left to do (it was
    drafted, superseded or failed already)."""
    if job is None or job.status != "drafting" or job.lease_until is None:
        return None
    return max(1.0, (job.lease_until - now).total_seconds() + 1.0)


def is_drafting_under(job: Job, lease_until: datetime | None) -> bool:
    """Still being drafted under this lease: nobody took the job over or moved it on.

    A draft finished for a job a translator claimed meanwhile is dropped, not merged: it would
    write under the translator's feet (their next save would meet a new version), and machine
    text in segments they have not reached could go to review unread and label their work as
    machine-made."""
    return job.status == "drafting" and job.lease_until == lease_until


def drafted(job: Job, segments: list[Segment], now: datetime, engine: str | None) -> Job:
    """The draft is ready for a translator; a machine draft is labelled as such."""
    machine = any(segment.origin == "machine" for segment in segments)
    return job.moved("draft_ready", engine or SYSTEM, now, segments=segments,
                     engine=engine, machine=machine, lease_until=None)


def failed(job: Job, now: datetime, reason: str) -> Job:
    return job.moved("failed", SYSTEM, now, reason, reason=reason, lease_until=None)


def superseded(job: Job, now: datetime, revision: int) -> Job:
    return job.moved("superseded", SYSTEM, now, f"revision {revision} supersedes it",
                     lease_until=None, claimed_by=None)


def delivered(job: Job, now: datetime) -> Job:
    if job.status != "approved":
        raise Refused("conflict", f"A job in status {job.status!r} cannot be delivered.")
    return job.moved("delivered", "catalog", now, delivered_at=now)
