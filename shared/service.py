"""The life of one service process: connect, declare, serve, stop cleanly on SIGTERM.

Each service describes itself with a ServiceSpec; `run_service` does the rest, the same way for
all of them. Tests build a Runtime with other settings and start it in their own event loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from faststream.nats import NatsBroker, NatsRouter
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.broker import make_broker
from shared.bus import RpcRoutes
from shared.contracts.rpc import Ping, Pong
from shared.db import (
    POOL_MIN,
    Document,
    IndexSpec,
    StandaloneRefused,
    database_answers,
    ensure_indexes,
    make_client,
    refuse_standalone_outside_local,
)
from shared.durables import DurableTerms, bring_durables_up_to_date
from shared.inbox import AppliedEvents
from shared.metrics import setup_metrics, watch_jetstream
from shared.outbox import OutboxRelay
from shared.services_api import ServicesApi, answer_services_api
from shared.settings import Settings, settings_for
from shared.streams import DLQ_STREAM, StreamSpec, await_streams, declare_streams, service_stream
from shared.telemetry import package_version, resource_of, setup_logging, setup_tracing

log = logging.getLogger(__name__)

EXIT_BUS_CLOSED = 75
"""Exit status when the bus connection closed for good (EX_TEMPFAIL): start me again."""


@dataclass
class Runtime:
    """What a service's handlers may use: its settings, database and broker."""

    service: str
    settings: Settings
    client: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    broker: NatsBroker
    outbox: OutboxRelay
    consumers: list[tuple[str, str]] = field(default_factory=list)
    """(stream, durable) of every durable consumer this process registered."""
    durables: list[DurableTerms] = field(default_factory=list)
    """The terms of each of those, brought up to date at start (shared.durables)."""
    instance: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    inbox: AppliedEvents | None = None
    """Where consumers record applied events; None means `Inbox` in `db` (the fast test tier
    gives one in memory)."""


Loop = Callable[[], Coroutine[Any, Any, None]]
"""A long-running loop (poller, sweeper), started after serving and cancelled at stop."""


@dataclass(frozen=True)
class Parts:
    """What a service builds from its runtime, once: everything that serves or runs."""

    routers: Sequence[NatsRouter] = ()
    """RPC responders and event consumers (`entrypoints.py`)."""
    on_start: Sequence[Callable[[], Awaitable[None]]] = ()
    """Awaited in order after connecting, before serving (e.g. rebuilding a derived index)."""
    background: Sequence[Loop] = ()
    """Started after serving, in this order; cancelled at stop."""


Build = Callable[[Runtime], Parts]


def joined(*parts: Parts) -> Parts:
    """Several groups of parts as one, in the order given."""
    return Parts(routers=[r for p in parts for r in p.routers],
                 on_start=[h for p in parts for h in p.on_start],
                 background=[b for p in parts for b in p.background])


@dataclass(frozen=True)
class ServiceSpec:
    """What makes one service: its name, indexes, streams and outboxes, and its `build`.

    `build(runtime)` is called once per start (`bootstrap.py` of each service): every object
    the routers and loops share is made there, so nothing is built twice or kept aside."""

    name: str
    build: Build = lambda runtime: Parts()
    indexes: Sequence[IndexSpec] = ()
    extra_streams: Sequence[StreamSpec] = ()
    """Streams besides its own and the DLQ: declared if it owns them, else waited for."""
    outbox_collections: Sequence[str] = ()


def ping_routes(runtime: Runtime) -> NatsRouter:
    """`rpc.<service>.ping`, answered by every service."""
    routes = RpcRoutes(runtime.service)

    @routes.responder("ping", Ping)
    async def ping(_: Ping) -> Pong:
        return Pong(service=runtime.service, version=package_version(),
                    instance=runtime.instance, database=await database_answers(runtime.db))

    return routes.router


class RunningService:
    """A started service; `stop()` drains the broker and closes the database client."""

    def __init__(self, spec: ServiceSpec, runtime: Runtime,
                 tasks: Sequence[asyncio.Task[None]] = (),
                 services_api: ServicesApi | None = None) -> None:
        self.spec, self.runtime, self.tasks = spec, runtime, list(tasks)
        self.services_api = services_api
        """What answers `$SRV.*` for this process (shared.services_api)."""

    async def stop(self) -> None:
        """Publish what the outbox holds, stop taking work, finish what is in hand, close.

        Events written after the relay stopped stay in MongoDB and go out at the next start.
        """
        for task in self.tasks:
            task.cancel()
        if self.services_api is not None:  # operators' tools stop listing it first
            await bounded(self.services_api.stop(), 5.0)
        # Each step is bounded: a background task or a bus call that does not give up must
        # not keep a stopping process (SIGTERM) alive; what it held is redone after a start.
        for step, seconds in ((asyncio.gather(*self.tasks, return_exceptions=True), 10.0),
                              (self.runtime.outbox.stop(), 15.0),
                              (self.runtime.broker.stop(), 10.0),
                              (self.runtime.client.close(), 5.0)):
            await bounded(step, seconds)


async def bounded(step: Awaitable[Any], seconds: float) -> bool:
    """Run `step` for at most `seconds`; past that, cancel it and go on without it. Whether it
    finished. (`asyncio.wait_for` waits for the cancelled step to end, which is for ever when
    the step swallows its cancellation.)"""
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        log.warning("stopping: a step did not finish in time", extra={"seconds": seconds})
        return False
    if not task.cancelled() and task.exception() is not None:
        log.warning("stopping: a step failed", extra={"error": type(task.exception()).__name__})
    return True


async def start_service(spec: ServiceSpec, settings: Settings, *,
                        on_bus_closed: Callable[[], Awaitable[None]] | None = None
                        ) -> RunningService:
    """Connect, declare streams and indexes, and start serving.

    `on_bus_closed` runs if the bus connection ever closes for good (see shared.broker).
    """
    client = make_client(settings, app_name=f"dialogues-{spec.name}", pool_min=POOL_MIN)
    try:
        await refuse_standalone_outside_local(client, settings)
    except BaseException:
        await client.close()
        raise
    broker = make_broker(settings, client_name=f"dialogues-{spec.name}",
                         on_closed=on_bus_closed)
    try:
        return await _started(spec, settings, client, broker)
    except BaseException:
        # A signal while starting cancels this: what was opened is closed, each step bounded.
        await bounded(broker.stop(), 10.0)
        await bounded(client.close(), 5.0)
        raise


async def _started(spec: ServiceSpec, settings: Settings, client: AsyncMongoClient[Document],
                   broker: NatsBroker
                   ) -> RunningService:
    db = client[settings.database_name(spec.name)]
    await ensure_indexes(db, [*spec.indexes, *OutboxRelay.indexes(spec.outbox_collections)])
    relay = OutboxRelay(db, spec.outbox_collections, broker, source=f"dialogues/{spec.name}")
    runtime = Runtime(spec.name, settings, client, db, broker, relay)
    parts = spec.build(runtime)
    routers = [ping_routes(runtime), *parts.routers]
    for router in routers:
        broker.include_router(router)
    await broker.connect()
    streams = (service_stream(spec.name), DLQ_STREAM, *spec.extra_streams)
    await declare_streams(broker, settings, *(s for s in streams if s.owner == spec.name))
    await await_streams(broker, settings, *(s for s in streams if s.owner != spec.name))
    await bring_durables_up_to_date(broker, runtime.durables)
    for hook in parts.on_start:
        await hook()
    await broker.start()
    # A round trip to the server: our subscriptions are registered there before we call the
    # service started, so a request sent right after (a readiness probe) finds responders.
    await broker.connection.flush()
    services_api = await answer_services_api(broker.connection, spec.name, runtime.instance,
                                             routers)
    relay.start()
    loops = [*(loop() for loop in parts.background), watch_jetstream(broker, runtime.consumers)]
    tasks = [asyncio.create_task(loop) for loop in loops]
    log.info("service started", extra={"instance": runtime.instance})
    return RunningService(spec, runtime, tasks, services_api)


async def exit_for_restart() -> NoReturn:
    """The bus connection closed for good: exit now, non-zero, so that the supervisor
    (`dialogues up`, compose's restart policy) starts a fresh process.

    Now, not through `stop()`: FastStream's pull consumers spin on a closed connection and
    starve the event loop (shared.broker), so nothing scheduled after this would run. Nothing
    is lost: state and unsent events are in MongoDB, unacknowledged messages are redelivered.
    """
    log.critical("bus connection closed for good; exiting to be restarted")
    logging.shutdown()
    os._exit(EXIT_BUS_CLOSED)


async def serve_until_signalled(spec: ServiceSpec, settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    # Starting may wait (for another service's stream): a signal must end that wait too.
    starting = asyncio.create_task(start_service(spec, settings,
                                                 on_bus_closed=exit_for_restart))
    signalled = asyncio.create_task(stopping.wait())
    await asyncio.wait({starting, signalled}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():
        starting.cancel()
        # Waited for, so that what the start had opened is closed before the process ends.
        await asyncio.wait({starting})
        if starting.cancelled():
            log.info("stopped while starting")
            return
        # The start finished in the same moment (the cancel came too late): a started
        # service, stopped as any other below; left running, its consumers kept the process
        # from exiting.
    service = starting.result()
    await signalled
    log.info("stopping")
    await service.stop()
    log.info("stopped")


def run_service(spec: ServiceSpec) -> None:
    """Entry point of `python -m services.<name>`."""
    settings = settings_for(spec.name)
    setup_logging(spec.name, settings.log_level)
    provider = setup_tracing(spec.name, settings)
    meters = setup_metrics(resource_of(spec.name, settings), settings)
    try:
        asyncio.run(serve_until_signalled(spec, settings))
    except StandaloneRefused as refusal:
        raise SystemExit(f"{spec.name}: {refusal}") from None
    finally:
        meters.shutdown()
        provider.shutdown()
