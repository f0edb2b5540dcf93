"""The two backends of translate's scenarios, built from the same routers (entrypoints.routers).

`memory`: FastStream's `TestNatsBroker` (no server) routes every publish and request straight
to the service's subscribers; `MemoryStore` and `MemoryInbox` stand for MongoDB, `MemoryRelay`
for the outbox relay, `BracketEngine` for LibreTranslate. `real`: the service as production
starts it (`start_service(build_spec(...))`) on the suite's nats-server and MongoDB stand-in,
with the fake LibreTranslate server over HTTP when the settings ask for an engine.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, nullcontext
from itertools import count
from typing import Any, TypeVar

from faststream.nats import NatsBroker, TestNatsBroker
from nats.js.errors import NotFoundError
from pydantic import BaseModel
from pymongo import AsyncMongoClient

from services.translate.bootstrap import build_spec
from services.translate.engines import Engine, NoEngine
from services.translate.entrypoints import CATALOG_DURABLE, SESSIONS_DURABLE, routers
from services.translate.handlers import Deps
from services.translate.settings import TranslateSettings
from shared.bus import call, make_broker
from shared.contracts.events import Event
from shared.db import Document
from shared.inbox import Inbox
from shared.outbox import OutboxRelay
from shared.service import RunningService, Runtime, start_service
from shared.settings import Settings
from tests.fake_libretranslate import running
from tests.fast.inbox import MemoryInbox
from tests.fast.translate.memory_store import MemoryStore
from tests.fast.translate.support import BracketEngine
from tests.support import eventually
from tests.support.clock import MovableClock

Reply = TypeVar("Reply", bound=BaseModel)
T = TypeVar("T")

DURABLES = {"CATALOG": CATALOG_DURABLE, "REGISTRATION": SESSIONS_DURABLE}
"""Which of translate's consumers takes each stream it reads."""
SOURCES = {"CATALOG": "dialogues/catalog", "REGISTRATION": "dialogues/registration"}
RPC_TIMEOUT = 2.0
REAL_WAIT = 15.0


def stream_of(subject: str) -> str:
    """The stream a subject is published on (as `shared.outbox` derives it)."""
    return subject.split(".", 1)[0].upper()


class MemoryRelay:
    """Publishes the memory store's outbox onto the test broker, as `OutboxRelay` does: each
    job's events in order, removed once published. `kick` (the handlers' wake-up) starts a
    round unless one runs; `settle` waits until nothing is left and re-raises any failure."""

    def __init__(self, store: MemoryStore, broker: NatsBroker) -> None:
        self.store, self.broker = store, broker
        self.published: list[Document] = []
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        while pending := self.store.pending():
            for job_id, entries in pending:
                for entry in entries:
                    await self.broker.publish(entry["body"].encode(), entry["subject"],
                                              headers=dict(entry["headers"]),
                                              stream=stream_of(entry["subject"]))
                    self.published.append(entry)
                self.store.published(job_id, {entry["id"] for entry in entries})

    async def settle(self) -> None:
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
        if self._task is not None:
            self._task.result()  # a failure in a relayed handler fails the scenario


class MemoryBackend:
    """Everything in this process and event loop: a scenario step takes microseconds."""

    def __init__(self, broker: NatsBroker, relay: MemoryRelay, inbox: MemoryInbox,
                 clock: MovableClock) -> None:
        self.broker, self.relay, self.inbox, self.clock = broker, relay, inbox, clock
        self._sequence = count(1)

    async def call(self, action: str, request: BaseModel, reply: type[Reply]) -> Reply:
        return await call(self.broker, f"rpc.translate.{action}", request, reply,
                          timeout=RPC_TIMEOUT)

    async def publish(self, event: Event, event_id: str) -> None:
        stream, sequence = stream_of(event.subject()), next(self._sequence)
        body, headers = event.to_cloudevent(event_id=event_id, source=SOURCES[stream],
                                            time=self.clock()).to_nats()
        # A JetStream ack subject, from which shared.consumer reads the message's metadata.
        ack = (f"$JS.ACK.{stream}.{DURABLES[stream]}.1.{sequence}.{sequence}."
               f"{time.time_ns()}.0")
        await self.broker.publish(body, event.subject(), headers=headers, stream=stream,
                                  reply_to=ack)
        await self.relay.settle()
        # The consumer ran in the publish: not applied means it failed (see the log above).
        assert await self.inbox.applied(DURABLES[stream], event_id), f"{event_id} not applied"

    async def eventually(self, check: Callable[[], Awaitable[T | None]], what: str) -> T:
        await self.relay.settle()
        result = await check()
        assert result, f"in memory, once all work was done, still not: {what}"
        return result

    async def events(self, subject: str) -> list[dict[str, Any]]:
        await self.relay.settle()
        return [json.loads(entry["body"]) for entry in self.relay.published
                if entry["subject"] == subject]


class RealBackend:
    """The running service behind a client of the suite's nats-server."""

    def __init__(self, service: RunningService, bus: NatsBroker, clock: MovableClock) -> None:
        self.service, self.bus, self.clock = service, bus, clock
        self.inbox = Inbox(service.runtime.db)

    async def call(self, action: str, request: BaseModel, reply: type[Reply]) -> Reply:
        return await call(self.bus, f"rpc.translate.{action}", request, reply,
                          timeout=RPC_TIMEOUT)

    async def publish(self, event: Event, event_id: str) -> None:
        stream = stream_of(event.subject())
        body, headers = event.to_cloudevent(event_id=event_id, source=SOURCES[stream],
                                            time=self.clock()).to_nats()
        await self.bus.publish(body, event.subject(), headers=headers, stream=stream)

        async def applied() -> bool:
            return await self.inbox.applied(DURABLES[stream], event_id)

        done: bool = await eventually(applied, REAL_WAIT, f"{DURABLES[stream]} applied {event_id}")
        assert done

    async def eventually(self, check: Callable[[], Awaitable[T | None]], what: str) -> T:
        found: T | None = await eventually(check, REAL_WAIT, what)
        assert found is not None
        return found

    async def events(self, subject: str) -> list[dict[str, Any]]:
        js = self.bus.connection.jetstream()
        state = (await js.stream_info(stream_of(subject))).state
        found: list[dict[str, Any]] = []
        for sequence in range(state.first_seq, state.last_seq + 1):
            try:
                message = await js.get_msg(stream_of(subject), sequence)
            except NotFoundError:
                continue
            if message.subject == subject and message.data:
                found.append(json.loads(message.data))
        return found


@asynccontextmanager
async def memory_backend(own: TranslateSettings, clock: MovableClock
                         ) -> AsyncIterator[MemoryBackend]:
    """The service's routers on a `TestNatsBroker`, over memory store, inbox and relay."""
    broker, store = NatsBroker(), MemoryStore()
    relay = MemoryRelay(store, broker)
    # Never connected: any use of MongoDB in the memory tier fails (no server by that name).
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        "mongodb://memory.invalid", connect=False, serverSelectionTimeoutMS=100)
    inbox = MemoryInbox()
    runtime = Runtime("translate", Settings(), client, client["translate"], broker,
                      OutboxRelay(client["translate"], (), broker, source="dialogues/translate"),
                      inbox=inbox)
    engine: Engine = BracketEngine(own) if own.engine == "libretranslate" else NoEngine()
    for router in routers(runtime, Deps(store, own, engine, relay.kick, clock)):
        broker.include_router(router)
    try:
        async with TestNatsBroker(broker) as test_broker:
            yield MemoryBackend(test_broker, relay, inbox, clock)
            await relay.settle()
    finally:
        await client.close()


@asynccontextmanager
async def real_backend(settings: Settings, own: TranslateSettings, clock: MovableClock
                       ) -> AsyncIterator[RealBackend]:
    """The service as production builds it, with the scenario's settings and clock."""
    machine = own.engine == "libretranslate"
    with running("ok") if machine else nullcontext() as engine:
        if engine is not None:
            own = own.model_copy(update={"libretranslate_url": engine.url})
        service = await start_service(build_spec(own, clock), settings)
        bus = make_broker(settings, client_name="fast-translate")
        try:
            await bus.connect()
            yield RealBackend(service, bus, clock)
        finally:
            await bus.stop()
            await service.stop()
