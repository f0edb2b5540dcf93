"""Drafting: a queued job is filled from translation memory and the machine engine under a
lease, then handed to translators, or failed visibly if the engine gives up."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from services.translate import events
from services.translate.domain import rules
from services.translate.domain.drafts import prefilled
from services.translate.domain.errors import Refused
from services.translate.domain.glossary import hits
from services.translate.domain.memory import fuzzy_suggestions, normalized
from services.translate.domain.model import Job, Segment
from services.translate.engines import EngineError
from services.translate.handlers import Decision, Deps, update_job
from services.translate.handlers.queries import glossary_entries


async def when_job_is_queued(deps: Deps, job_id: str) -> float | None:
    """Fill a queued job from memory and the engine; fail it visibly if the engine gives up.

    Returns None when done (or nothing to do), or the seconds after which to try again: the
    job is being drafted under a live lease (its drafter may have died; the lease will tell).
    """
    lease = timedelta(seconds=deps.settings.drafting_budget)
    try:
        job = await update_job(
            deps, job_id, lambda job: (rules.start_drafting(job, deps.clock(), lease), []))
    except Refused:
        return rules.drafting_retry_in(await deps.store.job(job_id), deps.clock())
    failure: str | None = None
    segments = await memory_fill(deps, job)
    try:
        segments = await _machine_fill(deps, job, segments)
    except EngineError as error:
        failure = str(error)

    def finish(current: Job) -> Decision:
        # Our lease, not the version: a reschedule may move the due date meanwhile.
        if not rules.is_drafting_under(current, job.lease_until):
            raise Refused("conflict", "The job changed hands while it was drafted.")
        now = deps.clock()
        if failure is not None:
            done = rules.failed(current, now, failure)
            return done, [events.failed(done, now)]
        done = rules.drafted(current, segments, now, deps.engine.name)
        return done, [events.drafted(done, now)]

    with contextlib.suppress(Refused):  # superseded meanwhile: the draft is not wanted
        await update_job(deps, job_id, finish)
    return None


async def memory_fill(deps: Deps, job: Job) -> list[Segment]:
    """The job's segments with what translation memory and the glossary know of them: exact
    matches as targets (labelled memory), fuzzy ones as suggestions, the glossary terms."""
    entries = await glossary_entries(deps)
    remembered = await deps.store.fuzzy_candidates(job.source_language, job.target_language)
    known = await deps.store.recall([segment.source for segment in job.segments],
                                    job.source_language, job.target_language)
    filled: list[Segment] = []
    for segment in job.segments:
        exact = known.get(normalized(segment.source))
        found = segment.model_copy(update={
            "suggestions": [] if exact else fuzzy_suggestions(segment.source, remembered),
            "glossary": hits(segment.source, job.source_language, job.target_language, entries),
        })
        filled.append(prefilled(found, exact, "memory") if exact else found)
    return filled


async def _machine_fill(deps: Deps, job: Job, segments: list[Segment]) -> list[Segment]:
    missing = [segment for segment in segments if segment.target is None]
    if deps.engine.name is None or not missing:
        return segments
    translated = await deps.engine.translate([segment.source for segment in missing],
                                             job.source_language, job.target_language)
    by_id = {segment.id: text for segment, text in zip(missing, translated, strict=True)}
    return [prefilled(segment, by_id[segment.id], "machine") if segment.id in by_id else segment
            for segment in segments]
