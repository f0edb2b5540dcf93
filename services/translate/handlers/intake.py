"""Intake: published documents and explicit requests become queued jobs, one per (document,
revision, target language); a newer revision supersedes the open jobs of older ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.translate import events
from services.translate.domain import rules
from services.translate.domain.errors import Refused
from services.translate.domain.model import Job
from services.translate.domain.segments import segment_texts
from services.translate.handlers import Deps, update_job
from services.translate.handlers.schedule import due_for_new_job, realign
from shared.contracts.catalog.events import DocumentSnapshot
from shared.contracts.translate.rpc import RequestTranslation
from shared.reference import LanguageCode


async def when_document_is_published(deps: Deps, snapshot: DocumentSnapshot) -> None:
    """Keep the snapshot, supersede older revisions' open jobs, queue the missing languages."""
    if not await deps.store.keep_snapshot(snapshot):
        return  # a newer revision was seen already: this one needs no jobs
    now = deps.clock()
    for job_id in await deps.store.open_jobs_before(snapshot.document_id, snapshot.revision):
        await update_job(deps, job_id,
                         lambda job: (rules.superseded(job, now, snapshot.revision), []))
    # Required languages the catalog says are missing, and configured extras (pt, fr) that the
    # document does not have yet.
    wanted = [language for language in deps.settings.languages
              if language in snapshot.missing_languages
              or language not in {*snapshot.available_languages, snapshot.source_language}]
    for language in wanted:
        await queue_job(deps, snapshot, language, priority=None, due_at=None)


async def when_translation_is_requested(deps: Deps, request: RequestTranslation) -> Job:
    """A language version asked for by hand, of a document seen published."""
    snapshot = await deps.store.snapshot(request.document_id)
    if snapshot is None:
        raise Refused("not_found", f"No published document {request.document_id!r} is known.")
    return await queue_job(deps, snapshot, request.target_language, request.priority,
                           request.due_at)


async def queue_job(deps: Deps, snapshot: DocumentSnapshot, target: LanguageCode,
                    priority: int | None, due_at: datetime | None) -> Job:
    """Create the job for (document, revision, target) unless it exists; return it."""
    if target == snapshot.source_language:
        raise Refused("invalid", "The target language is the document's source language.")
    now = deps.clock()
    job_id = rules.job_id_for(snapshot.document_id, snapshot.revision, target)
    linked = snapshot.session_id is not None
    if due_at is not None:
        due = due_at
    elif snapshot.session_id is not None:
        due = await due_for_new_job(deps, snapshot.session_id, now)
    else:
        due = now + timedelta(days=deps.settings.default_due_days)
    level = priority if priority is not None else (5 if linked else 0)
    texts = {field: by_language[snapshot.source_language]
             for field, by_language in snapshot.texts.items()
             if by_language.get(snapshot.source_language)}
    job = Job(id=job_id, document_id=snapshot.document_id, revision=snapshot.revision,
              source_language=snapshot.source_language, target_language=target,
              priority=level, due_at=due, rank=rules.urgency_rank(due, level, job_id),
              session_id=snapshot.session_id, segments=segment_texts(texts), created_at=now,
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
