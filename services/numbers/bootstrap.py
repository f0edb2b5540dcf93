"""Wires the numbers service: its store of facts, the handlers, the consumers and responders.

It reads the registration, catalog and translate streams and owns nothing else on the bus
(its own NUMBERS stream stays empty: every service declares one).
"""

from __future__ import annotations

from services.numbers.entrypoints import event_router, rpc_router
from services.numbers.handlers import Deps
from services.numbers.store import INDEXES, Store
from shared.bus import service_stream
from shared.clock import Clock, utc_now
from shared.inbox import Inbox
from shared.service import Parts, Runtime, ServiceSpec


def build_spec(clock: Clock = utc_now) -> ServiceSpec:
    """The service with this clock (tests pass one they move: what is held depends on it)."""
    def build(runtime: Runtime) -> Parts:
        # People are keyed by an HMAC of their address with the deployment's token secret:
        # the read model never holds an address, and nobody without the secret can test one.
        deps = Deps(Store(runtime.db), runtime.settings.token_secret, clock)
        return Parts(routers=[event_router(runtime, deps), rpc_router(runtime, deps)])

    return ServiceSpec(
        name="numbers", build=build, indexes=[*Inbox.indexes(), *INDEXES],
        # Declared here too if the server allows it (development), so our durable consumers
        # can attach before their owners start; under deploy/nats.conf we wait for them.
        extra_streams=(service_stream("registration"), service_stream("catalog"),
                       service_stream("translate")),
    )


SPEC = build_spec()
