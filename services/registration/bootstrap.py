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
IDLE_SWEEP_MAX_S = 20.0
"""While sweeps find nothing, the pause between them doubles from `SWEEP_EVERY_S` up to this:
a registration a crash left `received` is finished at most about STUCK_AFTER + this after
it was made, a lapsed hold expires at most this late."""
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
                        retention: timedelta | None = None,
                        idle_max: float = IDLE_SWEEP_MAX_S) -> None:
    """Finish what a crash between two writes left (see handlers/recovery.py), mark
    no-shows, anonymize old sessions; `every` seconds after a round that found work or
    failed, backing off up to `idle_max` while rounds find nothing (each round is a few
    indexed queries, but an idle system should not pay for them every few seconds)."""
    # Personal data of sessions that ended longer ago than this is erased (statistics stay).
    retention = retention or timedelta(days=RegistrationSettings().retention_days)
    pause = every
    while True:
        await asyncio.sleep(pause)
        now = deps.clock()
        try:
            found = (await sweep(deps, now, STUCK_AFTER) + await mark_no_shows(deps, now)
                     + await anonymize_past(deps, now, retention))
        except Exception as error:  # MongoDB away, say: the next round tries again
            log.warning("registration sweep failed", extra={"error": type(error).__name__})
            found = 1  # look again soon: interrupted writes are likely
        pause = every if found else min(pause * 2, max(idle_max, every))


SPEC = ServiceSpec(
    name="registration",
    build=build,
    indexes=[*store.indexes(), *MAILING_INDEXES],
    # Other systems send attendance lists on ingest.registration.>; TRANSLATE (translate's
    # own, awaited at start) carries the translations of sessions' texts.
    extra_streams=(INGEST_STREAM, service_stream("translate")),
    outbox_collections=(store.SESSIONS, store.REGISTRATIONS, MAILINGS, store.INVITATIONS),
)
