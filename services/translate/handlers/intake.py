"""Intake: published documents, session texts and explicit requests become queued jobs, one
per (document or session, revision, target language); a newer revision supersedes the open
jobs of older ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.translate import events
from services.translate.domain import rules
from services.translate.domain.errors import Refused
from services.translate.domain.model import Job
from services.translate.domain.originals import (
    Original,
    of_document,
    of_session,
    session_languages_wanted,
    sources_for,
)
from services.translate.domain.segments import segment_texts
from services.translate.handlers import Deps, update_job
from services.translate.handlers.schedule import due_for_new_job, realign
from shared.contracts.catalog.events import DocumentSnapshot
from shared.contracts.registration.events import SessionTexts
from shared.contracts.translate.rpc import RequestTranslation
from shared.reference import LanguageCode


async def when_document_is_published(deps: Deps, snapshot: DocumentSnapshot) -> None:
    """Keep the snapshot, supersede older revisions' open jobs, queue the missing languages."""
    if not await deps.store.keep_snapshot(snapshot):
        return  # a newer revision was seen already: this one needs no jobs
    await _supersede_older(deps, snapshot.document_id, snapshot.revision)
    # Required languages the catalog says are missing, and configured extras (pt, fr) that the
    # document does not have yet.
    wanted = [language for language in deps.settings.languages
              if language in snapshot.missing_languages
              or language not in {*snapshot.available_languages, snapshot.source_language}]
    for language in wanted:
        await queue_job(deps, of_document(snapshot), language, priority=None, due_at=None)


async def when_session_texts_change(deps: Deps, texts: SessionTexts) -> None:
    """As a document's publication: supersede the jobs of older text revisions, then queue
    each configured language that some text of the session lacks."""
    if not await deps.store.keep_session_texts(texts.session_id, texts.text_revision):
        return  # a newer text revision was seen already
    await _supersede_older(deps, texts.session_id, texts.text_revision)
    original = of_session(texts)
    for language in session_languages_wanted(original, deps.settings.languages):
        await queue_job(deps, original, language, priority=None, due_at=None)


async def _supersede_older(deps: Deps, subject_id: str, revision: int) -> None:
    now = deps.clock()
    for job_id in await deps.store.open_jobs_before(subject_id, revision):
        await update_job(deps, job_id, lambda job: (rules.superseded(job, now, revision), []))


async def when_translation_is_requested(deps: Deps, request: RequestTranslation) -> Job:
    """A language version asked for by hand, of a document seen published."""
    snapshot = await deps.store.snapshot(request.document_id)
    if snapshot is None:
        raise Refused("not_found", f"No published document {request.document_id!r} is known.")
    return await queue_job(deps, of_document(snapshot), request.target_language,
                           request.priority, request.due_at)


async def queue_job(deps: Deps, original: Original, target: LanguageCode,
                    priority: int | None, due_at: datetime | None) -> Job:
    """Create the job for (document or session, revision, target) unless it exists; return
    it."""
    if target == original.source_language:
        raise Refused("invalid", "The target language is the document's source language.")
    now = deps.clock()
    job_id = rules.job_id_for(original.subject_id, original.revision, target, original.subject)
    linked = original.session_id is not None
    if due_at is not None:
        due = due_at
    elif original.session_id is not None:
        due = await due_for_new_job(deps, original.session_id, now)
    else:
        due = now + timedelta(days=deps.settings.default_due_days)
    level = priority if priority is not None else (5 if linked else 0)
    job = Job(id=job_id, document_id=original.subject_id, revision=original.revision,
              subject=original.subject, source_language=original.source_language,
              target_language=target, priority=level, due_at=due,
              rank=rules.urgency_rank(due, level, job_id), session_id=original.session_id,
              segments=segment_texts(sources_for(original, target)), created_at=now,
              due_requested=due_at is not None)
    job = job.moved("queued", rules.SYSTEM, now)
    if await deps.store.insert_job(job, [events.queued(job, now)]):
        deps.kick()
        if linked and due_at is None and await realign(deps, job.id):
            # The session was rescheduled between reading its start and inserting the job.
            return await deps.store.job(job.id) or job
        return job
    existing = await deps.store.job(job_id)
    assert existing is not None  # it was there a moment ago, and jobs are never deleted
    return existing
