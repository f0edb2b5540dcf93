"""Intake and drafting: document events become jobs, queued jobs become drafts."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from services.translate import events, schedule
from services.translate.context import Context, Decision
from services.translate.domain import rules
from services.translate.domain.errors import Refused
from services.translate.domain.glossary import hits, seed_entries
from services.translate.domain.memory import fuzzy_suggestions, normalized
from services.translate.domain.model import Job, Segment
from services.translate.domain.segments import segment_texts
from services.translate.engines import EngineError
from shared.contracts.catalog import DocumentSnapshot
from shared.contracts.translate import GlossaryEntry
from shared.reference import LanguageCode


async def when_document_is_published(ctx: Context, snapshot: DocumentSnapshot) -> None:
    """Keep the snapshot, supersede older revisions' open jobs, queue the missing languages."""
    if not await ctx.store.keep_snapshot(snapshot):
        return  # a newer revision was seen already: this one needs no jobs
    now = ctx.clock()
    for job_id in await ctx.store.open_jobs_before(snapshot.document_id, snapshot.revision):
        await ctx.mutate(job_id, lambda job: (rules.superseded(job, now, snapshot.revision), []))
    # Required languages the catalog says are missing, and configured extras (pt, fr) that the
    # document does not have yet.
    wanted = [language for language in ctx.settings.languages
              if language in snapshot.missing_languages
              or language not in {*snapshot.available_languages, snapshot.source_language}]
    for language in wanted:
        await queue_job(ctx, snapshot, language, priority=None, due_at=None)


async def queue_job(ctx: Context, snapshot: DocumentSnapshot, target: LanguageCode,
                    priority: int | None, due_at: datetime | None) -> Job:
    """Create the job for (document, revision, target) unless it exists; return it."""
    if target == snapshot.source_language:
        raise Refused("invalid", "The target language is the document's source language.")
    now = ctx.clock()
    job_id = rules.job_id_for(snapshot.document_id, snapshot.revision, target)
    linked = snapshot.session_id is not None
    if due_at is not None:
        due = due_at
    elif snapshot.session_id is not None:
        due = await schedule.due_for_new_job(ctx, snapshot.session_id, now)
    else:
        due = now + timedelta(days=ctx.settings.default_due_days)
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
    if await ctx.store.insert_job(job, [events.queued(job, now)]):
        ctx.kick()
        if linked and due_at is None and await schedule.realign(ctx, job.id):
            # The session was rescheduled between reading its start and inserting the job.
            return await ctx.store.job(job.id) or job
        return job
    existing = await ctx.store.job(job_id)
    assert existing is not None  # it was there a moment ago, and jobs are never deleted
    return existing


async def draft(ctx: Context, job_id: str) -> float | None:
    """Fill a queued job from memory and the engine; fail it visibly if the engine gives up.

    Returns None when done (or nothing to do), or the seconds after which to try again: the
    job is being drafted under a live lease (its drafter may have died; the lease will tell).
    """
    lease = timedelta(seconds=ctx.settings.drafting_budget)
    try:
        job = await ctx.mutate(job_id, lambda job: (rules.start_drafting(job, ctx.clock(),
                                                                         lease), []))
    except Refused:
        current = await ctx.store.job(job_id)
        if current is None or current.status != "drafting" or current.lease_until is None:
            return None  # drafted, superseded or failed already: nothing to do
        return max(1.0, (current.lease_until - ctx.clock()).total_seconds() + 1.0)
    failure: str | None = None
    segments = await _memory_fill(ctx, job)
    try:
        segments = await _machine_fill(ctx, job, segments)
    except EngineError as error:
        failure = str(error)

    def finish(current: Job) -> Decision:
        # Our lease, not the version: a reschedule may move the due date meanwhile.
        if current.status != "drafting" or current.lease_until != job.lease_until:
            raise Refused("conflict", "The job changed hands while it was drafted.")
        now = ctx.clock()
        if failure is not None:
            done = rules.failed(current, now, failure)
            return done, [events.failed(done, now)]
        done = rules.drafted(current, segments, now, ctx.engine.name)
        return done, [events.drafted(done, now)]

    with contextlib.suppress(Refused):  # superseded meanwhile: the draft is not wanted
        await ctx.mutate(job_id, finish)
    return None


async def glossary_entries(ctx: Context) -> list[GlossaryEntry]:
    """The stored glossary, or the INGP seed until someone edits it."""
    stored = await ctx.store.glossary()
    return seed_entries() if stored is None else stored


async def _memory_fill(ctx: Context, job: Job) -> list[Segment]:
    entries = await glossary_entries(ctx)
    remembered = await ctx.store.fuzzy_candidates(job.source_language, job.target_language)
    known = await ctx.store.recall([segment.source for segment in job.segments],
                                   job.source_language, job.target_language)
    filled: list[Segment] = []
    for segment in job.segments:
        exact = known.get(normalized(segment.source))
        filled.append(segment.model_copy(update={
            "target": exact, "origin": "memory" if exact else None,
            "suggestions": [] if exact else fuzzy_suggestions(segment.source, remembered),
            "glossary": hits(segment.source, job.source_language, job.target_language, entries),
        }))
    return filled


async def _machine_fill(ctx: Context, job: Job, segments: list[Segment]) -> list[Segment]:
    missing = [segment for segment in segments if segment.target is None]
    if ctx.engine.name is None or not missing:
        return segments
    translated = await ctx.engine.translate([segment.source for segment in missing],
                                            job.source_language, job.target_language)
    by_id = {segment.id: text for segment, text in zip(missing, translated, strict=True)}
    return [segment.model_copy(update={"target": by_id[segment.id], "origin": "machine"})
            if segment.id in by_id else segment for segment in segments]
