"""The two backends the scenarios run on, behind one `Backend`.

`memory`: the service's own broker (shared.broker.make_broker) under FastStream's
`TestNatsBroker`, no server; the store is `MemoryStore`, applied events `MemoryInbox`, and
`MemoryRelay` publishes outbox entries as `OutboxRelay` does. `real`: the service started as
in production (`shared.service.start_service`) on the suite's nats-server and MongoDB
stand-in, with its own OutboxRelay. On both, the scenario talks to the service only through
its RPC responders and the ingest subject, and reads what it announced on the bus.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, cast

from faststream.nats import JStream, NatsBroker, NatsMessage, NatsRouter, TestNatsBroker
from pydantic import BaseModel

from services.registration.bootstrap import SPEC, STUCK_AFTER, deps_of
from services.registration.entrypoints import ATTENDANCE_SUBJECT, ingest_router, rpc_router
from services.registration.handlers import Deps
from services.registration.handlers.recovery import sweep
from shared.broker import make_broker
from shared.bus import call
from shared.contracts.envelope import CloudEvent
from shared.service import Parts, Runtime, start_service
from shared.settings import Settings
from shared.tokens import Signer
from tests.fast.inbox import MemoryInbox
from tests.fast.registration.memory_store import MemoryStore
from tests.support.clock import MovableClock

R = TypeVar("R", bound=BaseModel)
PUBLIC_BASE_URL = "https://dialogues.example.org"
REJECTED_SUBJECT = "ingest.rejected.v1"


@dataclass
class Announced:
    """What the service published, in the order it arrived."""

    events: list[tuple[str, CloudEvent]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def router(self) -> NatsRouter:
        """Subscribers to everything the service announces, and to ingest rejections."""
        router = NatsRouter()

        async def record(message: NatsMessage) -> None:
            raw = message.raw_message
            self.events.append((raw.subject, CloudEvent.from_nats(raw.data, raw.headers or {})))
            self.arrived.set()

        router.subscriber("registration.>")(record)
        router.subscriber(REJECTED_SUBJECT, stream=JStream("INGEST", declare=False))(record)
        return router


class MemoryRelay:
    """OutboxRelay for MemoryStore: each kick publishes every pending entry, each document's
    in order, then removes what went out. One relay round at a time, as OutboxRelay's loop;
    an event id published once is not published again (JetStream's `Nats-Msg-Id` dedupe)."""

    def __init__(self, store: MemoryStore, broker: NatsBroker) -> None:
        self.store, self.broker = store, broker
        self.tasks: set[asyncio.Task[None]] = set()
        self.published: set[str] = set()
        self._one_round = asyncio.Lock()

    def kick(self, *_: Any) -> None:
        task = asyncio.get_running_loop().create_task(self.relay_once())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def relay_once(self) -> None:
        async with self._one_round:
            for collection, document_id, entries in self.store.pending():
                sent = set()
                for entry in entries:
                    if entry["id"] not in self.published:
                        await self.broker.publish(entry["body"].encode(), entry["subject"],
                                                  headers=dict(entry["headers"]))
                        self.published.add(entry["id"])
                    sent.add(entry["id"])
                self.store.sent(collection, document_id, sent)

    async def settle(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks))


@dataclass
class Backend:
    """One running registration service and the means to talk to it."""

    name: str
    broker: NatsBroker
    deps: Deps
    clock: MovableClock
    announced: Announced
    settle: Callable[[], Any]
    ingest_sequence: int = 0

    async def call(self, action: str, request: BaseModel, reply: type[R]) -> R:
        """`rpc.registration.<action>`, as the gateway calls it."""
        return await call(self.broker, f"rpc.registration.{action}", request, reply, timeout=30)

    async def publish_ingest(self, event: CloudEvent) -> None:
        """An attendance list from the webinar platform, on the INGEST stream."""
        body, headers = event.to_nats()
        self.ingest_sequence += 1
        extra: dict[str, Any] = {}
        if self.name == "memory":
            # shared.consumer reads JetStream metadata from the reply subject of a delivery.
            seq = self.ingest_sequence
            extra["reply_to"] = f"$JS.ACK.INGEST.registration-attendance.1.{seq}.{seq}." \
                                f"{time.time_ns()}.0"
        await self.broker.publish(body, ATTENDANCE_SUBJECT, headers=headers, stream="INGEST",
                                  **extra)

    async def sweep(self) -> int:
        """One round of the service's sweeper at the clock's time."""
        return await sweep(self.deps, self.clock(), STUCK_AFTER)

    async def events(self, subject: str, expected: int = 1, seconds: float = 30.0
                     ) -> list[CloudEvent]:
        """The events announced on `subject` (a prefix): in memory, all of them once the relay
        settled; for real, once `expected` are there (or `seconds` passed), and a short wait
        more shows that no others follow."""
        def found() -> list[CloudEvent]:
            return [e for s, e in self.announced.events if s.startswith(subject)]
        await self.settle()
        if self.name == "memory":
            return found()  # settled: every event written so far is published
        deadline = time.monotonic() + seconds
        while True:
            self.announced.arrived.clear()
            left = deadline - time.monotonic()
            if len(found()) >= expected or left <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.announced.arrived.wait(), left)
        await asyncio.sleep(0.2)
        return found()


@asynccontextmanager
async def memory_backend(settings: Settings, clock: MovableClock) -> AsyncIterator[Backend]:
    """The service in memory: no server, no database."""
    broker = make_broker(settings, client_name="dialogues-registration")
    store = MemoryStore()
    relay = MemoryRelay(store, broker)
    deps = Deps(store, Signer(settings.token_secret, settings.older_token_secrets()),
                relay.kick, clock)
    # No MongoDB client nor database: nothing in memory may reach for them.
    runtime = Runtime("registration", settings, cast(Any, None), cast(Any, None), broker,
                      cast(Any, relay), inbox=MemoryInbox())
    announced = Announced()
    for router in (rpc_router(deps, PUBLIC_BASE_URL), ingest_router(runtime, deps),
                   announced.router()):
        broker.include_router(router)
    async with TestNatsBroker(broker) as test_broker:
        yield Backend("memory", test_broker, deps, clock, announced, relay.settle)
        await relay.settle()


@asynccontextmanager
async def real_backend(settings: Settings, clock: MovableClock) -> AsyncIterator[Backend]:
    """The service as it runs, on nats-server and the MongoDB stand-in, without its sweeper
    loop (the scenario sweeps at its clock's time)."""
    announced, built = Announced(), dict[str, Deps]()

    def build(runtime: Runtime) -> Parts:
        deps = built["deps"] = deps_of(runtime, clock)
        return Parts(routers=[rpc_router(deps, PUBLIC_BASE_URL), ingest_router(runtime, deps),
                              announced.router()])

    service = await start_service(replace(SPEC, build=build), settings)
    try:
        yield Backend("real", service.runtime.broker, built["deps"], clock, announced,
                      _nothing_to_settle)
    finally:
        await service.stop()


async def _nothing_to_settle() -> None:
    """The real relay publishes on its own."""
