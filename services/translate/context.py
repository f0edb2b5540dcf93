"""What handlers use: the store, settings, the engine, a clock, and the outbox's kick."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.translate.domain.errors import Refused
from services.translate.domain.model import Job
from services.translate.engines import Engine
from services.translate.settings import TranslateSettings
from services.translate.store import Store
from shared.db import Document

Decision = tuple[Job, list[Document]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    store: Store
    settings: TranslateSettings
    engine: Engine
    kick: Callable[[], None]
    clock: Callable[[], datetime] = field(default=utc_now)

    async def mutate(self, job_id: str,
                     decide: Callable[[Job], Awaitable[Decision] | Decision]) -> Job:
        """Load, decide, write conditionally; decide again on fresh state if someone raced."""
        for _ in range(5):
            job = await self.store.job(job_id)
            if job is None:
                raise Refused("not_found", f"There is no translation job {job_id!r}.")
            decision = decide(job)
            new, events = decision if isinstance(decision, tuple) else await decision
            saved = await self.store.save_job(new, events)
            if saved is not None:
                if events:
                    self.kick()
                return saved
        raise Refused("conflict", "The job kept changing; try again.")
