"""The translators' and reviewers' actions, the job queue, statistics and the glossary."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from services.translate import events
from services.translate.context import Context, Decision
from services.translate.domain import rules
from services.translate.domain.errors import Refused
from services.translate.domain.glossary import ignored
from services.translate.domain.model import OPEN_STATUSES, Job
from services.translate.handlers import glossary_entries, queue_job
from shared.contracts.translate import (
    GlossaryEntry,
    GlossaryHit,
    JobPage,
    JobSummary,
    JobView,
    ListJobs,
    PairBacklog,
    RequestTranslation,
    TranslationStats,
)


def summary(job: Job) -> JobSummary:
    return JobSummary.model_validate(job.model_dump())


def view(job: Job) -> JobView:
    return JobView.model_validate(job.model_dump())


def glossary_warnings(job: Job) -> list[GlossaryHit]:
    """Glossary terms that a segment's target does not use, once each."""
    warnings: dict[tuple[str, str], GlossaryHit] = {}
    for segment in job.segments:
        for hit in ignored(segment.target or "", segment.glossary):
            warnings[(hit.source_term, hit.target_term)] = hit
    return list(warnings.values())


async def claim(ctx: Context, job_id: str, actor: str) -> Job:
    lease = timedelta(minutes=ctx.settings.lease_minutes)
    return await ctx.mutate(job_id, lambda job: (rules.claim(job, actor, ctx.clock(), lease), []))


async def save_draft(ctx: Context, job_id: str, actor: str, targets: dict[str, str]) -> Job:
    return await ctx.mutate(
        job_id, lambda job: (rules.save_draft(job, actor, ctx.clock(), targets), []))


async def submit(ctx: Context, job_id: str, actor: str) -> Job:
    return await ctx.mutate(job_id, lambda job: (rules.submit(job, actor, ctx.clock()), []))


async def reject(ctx: Context, job_id: str, actor: str, reason: str) -> Job:
    four_eyes = ctx.settings.four_eyes
    return await ctx.mutate(
        job_id, lambda job: (rules.reject(job, actor, ctx.clock(), reason, four_eyes), []))


async def approve(ctx: Context, job_id: str, actor: str) -> Job:
    """Approve: the completion event is written with the state, so it goes out exactly once."""

    def decide(job: Job) -> Decision:
        now = ctx.clock()
        done = rules.approve(job, actor, now, ctx.settings.four_eyes)
        return done, [events.completed(done, now)]

    job = await ctx.mutate(job_id, decide)
    # After the approval is safe: a crash here loses memory pairs, never the translation.
    pairs = [(segment.source, segment.target) for segment in job.segments if segment.target]
    await ctx.store.remember(pairs, job.source_language, job.target_language, ctx.clock())
    return job


async def when_catalog_stored_it(ctx: Context, document_id: str, revision: int,
                                 language: str) -> None:
    """The catalog stored the reviewed version: the approved job is delivered."""
    job_id = await ctx.store.approved_job(document_id, revision, language)
    if job_id is not None:
        await ctx.mutate(job_id, lambda job: (rules.delivered(job, ctx.clock()), []))


async def request_translation(ctx: Context, request: RequestTranslation) -> Job:
    snapshot = await ctx.store.snapshot(request.document_id)
    if snapshot is None:
        raise Refused("not_found", f"No published document {request.document_id!r} is known.")
    return await queue_job(ctx, snapshot, request.target_language, request.priority,
                           request.due_at)


async def page(ctx: Context, query: ListJobs) -> JobPage:
    jobs = await ctx.store.page(query)
    more = len(jobs) > query.limit
    items = [summary(job) for job in jobs[: query.limit]]
    return JobPage(items=items, next=items[-1].rank if more and items else None)


async def stats(ctx: Context) -> TranslationStats:
    rows = await ctx.store.stats_rows()
    backlog: dict[tuple[str, str], int] = {}
    hours: list[float] = []
    for row in rows:
        if row["status"] in OPEN_STATUSES:
            pair = (row["source_language"], row["target_language"])
            backlog[pair] = backlog.get(pair, 0) + 1
        if row.get("delivered_at") is not None:
            took = _time(row["delivered_at"]) - _time(row["created_at"])
            hours.append(took.total_seconds() / 3600)
    segments = sum(int(row.get("segment_count") or 0) for row in rows)
    memory = sum(int(row.get("memory_count") or 0) for row in rows)
    pairs = [PairBacklog.model_validate({"source_language": s, "target_language": t,
                                         "open_jobs": n}) for (s, t), n in sorted(backlog.items())]
    return TranslationStats(
        backlog=pairs, delivered_jobs=len(hours),
        median_hours_to_delivery=round(statistics.median(hours), 3) if hours else None,
        segments=segments, memory_segments=memory,
        memory_reuse=round(memory / segments, 4) if segments else 0.0)


def _time(stored: object) -> datetime:
    return stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))


async def glossary(ctx: Context) -> list[GlossaryEntry]:
    return await glossary_entries(ctx)
