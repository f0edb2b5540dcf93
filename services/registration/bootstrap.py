"""Wires the registration service: sessions, participants, waiting lists, attendance."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from services.registration import store
from services.registration.entrypoints import ingest_router, rpc_router, translations_router
from services.registration.handlers import Deps
from services.registration.handlers.attendance import anonymize_past, mark_no_shows
from services.registration.handlers.recovery import sweep
from services.registration.mailing_entrypoints import mailing_router
from services.registration.settings import RegistrationSettings
from services.registration.store.mailings import INDEXES as MAILING_INDEXES
from services.registration.store.mailings import MAILINGS, Mailings
from shared.bus import INGEST_STREAM, service_stream
from shared.clock import Clock, utc_now
from shared.service import Parts, Runtime, ServiceSpec
from shared.tokens import Signer

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 5.0
STUCK_AFTER = timedelta(seconds=10)


def deps_of(runtime: Runtime, clock: Clock = utc_now) -> Deps:
    """The handlers' dependencies for this runtime."""
    signer = Signer(runtime.settings.token_secret, runtime.settings.older_token_secrets())
    return Deps(store.Store(runtime.db), signer, runtime.outbox.kick, clock)


def build(runtime: Runtime) -> Parts:
    """Responders, the attendance and translation consumers and the sweeper, sharing one set
    of dependencies."""
    deps = deps_of(runtime)
    return Parts(routers=[rpc_router(deps, runtime.settings.public_base_url),
                          ingest_router(runtime, deps), translations_router(runtime, deps),
                          mailing_router(deps, Mailings(runtime.db))],
                 background=[lambda: sweep_forever(deps)])


async def sweep_forever(deps: Deps, every: float = SWEEP_EVERY_S,
                        retention: timedelta | None = None) -> None:
    """Finish what a crash between two writes left (see handlers/recovery.py), mark
    no-shows, anonymize old sessions."""
    # Personal data of sessions that ended longer ago than this is erased (statistics stay).
    retention = retention or timedelta(days=RegistrationSettings().retention_days)
    while True:
        await asyncio.sleep(every)
        now = deps.clock()
        try:
            await sweep(deps, now, STUCK_AFTER)
            await mark_no_shows(deps, now)
            await anonymize_past(deps, now, retention)
        except Exception as error:  # MongoDB away, say: the next round tries again
            log.warning("registration sweep failed", extra={"error": type(error).__name__})


SPEC = ServiceSpec(
    name="registration",
    build=build,
    indexes=[*store.indexes(), *MAILING_INDEXES],
    # Other systems send attendance lists on ingest.registration.>; TRANSLATE (translate's
    # own, awaited at start) carries the translations of sessions' texts.
    extra_streams=(INGEST_STREAM, service_stream("translate")),
    outbox_collections=(store.SESSIONS, store.REGISTRATIONS, MAILINGS, store.INVITATIONS),
)
