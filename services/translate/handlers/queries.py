"""What the queue and its figures look like, and the glossary translators work with."""

from __future__ import annotations

from services.translate.domain.errors import Refused
from services.translate.domain.glossary import seed_entries
from services.translate.domain.model import Job
from services.translate.domain.stats import translation_stats
from services.translate.handlers import Deps
from shared.contracts.translate.rpc import (
    GlossaryEntry,
    ListJobs,
    PairBacklog,
    TranslationStats,
)


async def job(deps: Deps, job_id: str) -> Job:
    """One job, whole."""
    found = await deps.store.job(job_id)
    if found is None:
        raise Refused("not_found", f"There is no translation job {job_id!r}.")
    return found


async def jobs_page(deps: Deps, query: ListJobs) -> tuple[list[Job], str | None]:
    """Jobs most urgent first (without their segments), and where the next page starts."""
    jobs = await deps.store.page(query)
    shown = jobs[: query.limit]
    more = len(jobs) > query.limit
    return shown, shown[-1].rank if more and shown else None


async def stats(deps: Deps) -> TranslationStats:
    """The backlog, delivery times and memory reuse over every job."""
    return translation_stats(await deps.store.job_facts())


async def open_backlog(deps: Deps) -> list[PairBacklog]:
    """Open jobs per language pair, read from the open jobs alone (the gauge's reading)."""
    return translation_stats(await deps.store.open_job_facts()).backlog


async def glossary_entries(deps: Deps) -> list[GlossaryEntry]:
    """The stored glossary, or the INGP seed until someone edits it."""
    stored = await deps.store.glossary()
    return seed_entries() if stored is None else stored


async def replace_glossary(deps: Deps, entries: list[GlossaryEntry]) -> None:
    """The glossary becomes `entries`, whole."""
    await deps.store.set_glossary(entries)
