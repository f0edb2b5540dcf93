"""Wires the translate service: the translation job queue, memory and glossary."""

from __future__ import annotations

import asyncio
import logging

import httpx

from services.translate.engines import make_engine
from services.translate.entrypoints import routers
from services.translate.handlers import Deps
from services.translate.handlers.queries import open_backlog
from services.translate.metrics import TRANSLATION_BACKLOG
from services.translate.settings import TranslateSettings
from services.translate.store import INDEXES, JOBS, Store
from shared.bus import service_stream
from shared.clock import Clock, utc_now
from shared.service import Parts, Runtime, ServiceSpec

log = logging.getLogger(__name__)

BACKLOG_EVERY = 30.0
"""Seconds between two readings of the backlog gauge."""


def build_spec(settings: TranslateSettings | None = None, clock: Clock = utc_now) -> ServiceSpec:
    """The service with these settings (default: from `TRANSLATE_*` variables at start).

    `clock` is the handlers' time; tests pass one they move (leases, due dates)."""
    def build(runtime: Runtime) -> Parts:
        own = settings or TranslateSettings()
        # One HTTP client per running service, its pool bounded by the drafting workers.
        client = httpx.AsyncClient(limits=httpx.Limits(max_connections=own.concurrency * 2))
        deps = Deps(Store(runtime.db), own, make_engine(own, client), runtime.outbox.kick,
                    clock)
        return Parts(routers=routers(runtime, deps),
                     background=[lambda: _close_at_stop(client), lambda: _watch_backlog(deps)])

    return ServiceSpec(
        name="translate", build=build, indexes=INDEXES, outbox_collections=(JOBS,),
        # The catalog's and registration's streams are declared here too (idempotently), so our
        # durable consumers can attach even when those services have not started yet.
        extra_streams=(service_stream("catalog"), service_stream("registration")),
    )


async def _watch_backlog(deps: Deps, interval: float = BACKLOG_EVERY) -> None:
    """Keep the backlog gauge current per language pair; a pair that emptied reads 0."""
    seen: set[tuple[str, str]] = set()
    while True:
        try:
            backlog: dict[tuple[str, str], int] = {
                (pair.source_language, pair.target_language): pair.open_jobs
                for pair in await open_backlog(deps)}
        except Exception as error:  # the database is away; keep the last values
            log.debug("backlog not read", extra={"error": type(error).__name__})
        else:
            seen |= set(backlog)
            for source, target in seen:
                TRANSLATION_BACKLOG.set(backlog.get((source, target), 0),
                                        {"source_language": source, "target_language": target})
        await asyncio.sleep(interval)


async def _close_at_stop(client: httpx.AsyncClient) -> None:
    """Hold the engine's HTTP client open until the service stops (cancels this)."""
    try:
        await asyncio.Event().wait()
    finally:
        await client.aclose()


SPEC = build_spec()
