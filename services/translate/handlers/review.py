"""The translators' and reviewers' actions on a job, and its delivery once the catalog stored
the reviewed translation."""

from __future__ import annotations

from datetime import timedelta

from services.translate import events
from services.translate.domain import rules
from services.translate.domain.model import Job
from services.translate.handlers import Decision, Deps, queries, update_job
from services.translate.handlers.drafting import memory_fill
from shared.contracts.catalog.events import DocumentTranslated


async def claim(deps: Deps, job_id: str, actor: str) -> Job:
    """Take the job (or renew one's claim on it) for `lease_minutes`.

    A job still waiting for its draft is taken at once, with what memory and the glossary know
    of its segments (read once, before the write: they do not change with the job)."""
    lease = timedelta(minutes=deps.settings.lease_minutes)
    read = await queries.job(deps, job_id)
    prepared = await memory_fill(deps, read) if rules.waits_for_draft(read) else None
    return await update_job(
        deps, job_id, lambda job: (rules.claim(job, actor, deps.clock(), lease, prepared), []))


async def save_draft(deps: Deps, job_id: str, actor: str, targets: dict[str, str],
                     version: int | None = None) -> Job:
    """Keep the claimant's targets for the named segments (over `version`, if given)."""
    return await update_job(deps, job_id, lambda job: (
        rules.save_draft(job, actor, deps.clock(), targets, version), []))


async def submit(deps: Deps, job_id: str, actor: str) -> Job:
    """Hand the draft in for review."""
    return await update_job(deps, job_id, lambda job: (rules.submit(job, actor, deps.clock()), []))


async def reject(deps: Deps, job_id: str, actor: str, reason: str) -> Job:
    """Send the job back to its translator with the reviewer's reason."""
    four_eyes = deps.settings.four_eyes
    return await update_job(
        deps, job_id, lambda job: (rules.reject(job, actor, deps.clock(), reason, four_eyes), []))


async def approve(deps: Deps, job_id: str, actor: str) -> Job:
    """Approve: the completion event is written with the state, so it goes out exactly once."""

    def decide(job: Job) -> Decision:
        now = deps.clock()
        done = rules.approve(job, actor, now, deps.settings.four_eyes)
        return done, [events.completed(done, now)]

    job = await update_job(deps, job_id, decide)
    # After the approval is safe: a crash here loses memory pairs, never the translation.
    pairs = [(segment.source, segment.target) for segment in job.segments if segment.target]
    await deps.store.remember(pairs, job.source_language, job.target_language, deps.clock())
    return job


async def when_document_is_translated(deps: Deps, stored: DocumentTranslated) -> None:
    """The catalog stored a language version: a reviewed one delivers its approved job."""
    if stored.status != "reviewed":
        return  # a machine draft stored as such: no job of ours waits for it
    job_id = await deps.store.approved_job(stored.document_id, stored.revision, stored.language)
    if job_id is not None:
        await update_job(deps, job_id, lambda job: (rules.delivered(job, deps.clock()), []))
