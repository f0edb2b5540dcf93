"""Due dates from session start times, kept current as registration reschedules sessions.

A job is queued with the due date its session allows at that moment; a reschedule then moves
the due date (and urgency rank) of every open job linked to the session, each by one
conditional write. Every such write decides on the session as read *after* loading the job, so
a job queued while a reschedule is being applied cannot keep the old date: either the
reschedule's scan sees the job, or the job's own check after insertion sees the new start.

A cancellation is kept (so jobs queued later fall back to the fixed date) but leaves existing
due dates alone: the document stays published and still needs its translations, the date
translators were promised does not move under them, and a cancelled session is often re-planned
(its reschedule then moves the dates as usual).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta

from services.translate.domain import due, rules
from services.translate.domain.errors import Refused
from services.translate.domain.model import Job
from services.translate.handlers import Decision, Deps, update_job
from shared.contracts.registration.events import SessionSnapshot

log = logging.getLogger(__name__)


def _margin(deps: Deps) -> timedelta:
    return timedelta(hours=deps.settings.session_margin_hours)


def _latest(deps: Deps) -> timedelta:
    return timedelta(days=deps.settings.default_due_days)


async def due_for_new_job(deps: Deps, session_id: str, now: datetime) -> datetime:
    """The due date of a job queued now for a document linked to `session_id`."""
    session = await deps.store.session(session_id)
    return due.due_date(session, now, _margin(deps), _latest(deps),
                        timedelta(days=deps.settings.session_due_days))


async def when_session_changed(deps: Deps, snapshot: SessionSnapshot,
                               cancelled: bool = False) -> None:
    """Keep the session's start unless newer news is kept; then move its open jobs' dates."""
    session = due.SessionTime(snapshot.session_id, due.epoch_ms(snapshot.starts_at),
                              snapshot.sequence, cancelled)
    if not await deps.store.keep_session(session) or cancelled:
        return  # stale news, or a cancellation: due dates stay as they are
    moved = 0
    for job_id in await deps.store.open_session_jobs(session.session_id):
        if await realign(deps, job_id):
            moved += 1
    log.info("session due dates realigned",
             extra={"session_id": session.session_id, "jobs": moved})


async def realign(deps: Deps, job_id: str) -> bool:
    """Give an open job the due date its session's current start allows; True if it moved."""
    changed = False

    async def decide(job: Job) -> Decision:
        nonlocal changed
        new_due = await _current_due(deps, job)
        if new_due is None or new_due == job.due_at:
            raise _Unchanged
        changed = True
        return rules.rescheduled(job, new_due), []

    with contextlib.suppress(_Unchanged, Refused):  # unchanged, or gone meanwhile
        await update_job(deps, job_id, decide)
    return changed


async def _current_due(deps: Deps, job: Job) -> datetime | None:
    """The due date the job should have now, or None to leave it as it is."""
    if job.session_id is None or not rules.due_follows_session(job):
        return None
    session = await deps.store.session(job.session_id)
    if session is None or session.cancelled:
        return None
    return due.session_due(session, job.created_at, _margin(deps), _latest(deps))


class _Unchanged(Exception):
    """Nothing to write: the job already has the right due date (or must keep its own)."""

