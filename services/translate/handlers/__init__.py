"""Use cases of the translate service: load a job, decide with the domain rules, save it with
its events in one conditional write, wake the outbox relay.

`Deps` is what every handler takes; `bootstrap.py` builds it with the MongoDB store, the fast
test tier with one in memory (any `storage.JobStore`).
`update_job` is the one write path of an existing job: a decision is made on the job as read
and written only if nobody wrote meanwhile (its `version`), else made again on fresh state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.translate.domain.errors import Refused
from services.translate.domain.model import Job
from services.translate.engines import Engine
from services.translate.handlers.storage import JobStore
from services.translate.settings import TranslateSettings
from shared.clock import Clock
from shared.db import Document

Decision = tuple[Job, list[Document]]
"""The job as it should be, and the outbox entries of the events that change makes."""
ATTEMPTS = 5


@dataclass(frozen=True)
class Deps:
    """What handlers use: the store, settings, the machine engine, the clock, the outbox's kick."""

    store: JobStore
    settings: TranslateSettings
    engine: Engine
    kick: Callable[[], None]
    clock: Clock


async def update_job(deps: Deps, job_id: str,
                     decide: Callable[[Job], Awaitable[Decision] | Decision]) -> Job:
    """Load, decide, write conditionally; decide again on fresh state if someone raced."""
    for _ in range(ATTEMPTS):
        job = await deps.store.job(job_id)
        if job is None:
            raise Refused("not_found", f"There is no translation job {job_id!r}.")
        decision = decide(job)
        new, events = decision if isinstance(decision, tuple) else await decision
        saved = await deps.store.save_job(new, events)
        if saved is not None:
            if events:
                deps.kick()
            return saved
    raise Refused("conflict", "The job kept changing; try again.")
