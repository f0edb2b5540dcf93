"""JetStream streams: which exist, who owns each, and how a service declares or waits for them."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

import nats.errors
from faststream.nats import NatsBroker
from nats.js.api import StorageType, StreamConfig
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError, ServiceUnavailableError

from shared.settings import Settings

log = logging.getLogger(__name__)

NOT_YET = (TimeoutError, nats.errors.NoRespondersError, ServiceUnavailableError)
"""What JetStream answers while it cannot yet (a cluster electing its meta or stream leaders,
a node just started): asked again, it answers."""
READY_WITHIN_S = 120.0


@dataclass(frozen=True)
class StreamSpec:
    """A JetStream stream: its name, the subjects it captures and the service that owns it.

    Only the owner creates or updates a stream (deploy/nats.conf lets no one else)."""

    name: str
    subjects: tuple[str, ...]
    owner: str
    description: str = ""
    max_age_days: float = 30.0


def service_stream(service: str) -> StreamSpec:
    """The stream of the events a service publishes: `<service>.>`, owned by it."""
    return StreamSpec(service.upper(), (f"{service}.>",), service,
                      f"events published by {service}")


# Registration owns the two shared streams, one owner each. It declares them before it waits
# for the one it reads (TRANSLATE), so nobody waiting for them waits on another service.
INGEST_STREAM = StreamSpec("INGEST", ("ingest.>",), "registration",
                           "events other systems publish to us")
DLQ_STREAM = StreamSpec("DLQ", ("dlq.>",), "registration",
                        "messages that ran out of deliveries, with the reason", 90.0)


def stream_config(spec: StreamSpec, settings: Settings) -> StreamConfig:
    """How `spec` is declared: on file storage, with STREAM_REPLICAS copies (3 on a
    three-node cluster, so that any one node may be lost without losing a message)."""
    return StreamConfig(
        name=spec.name, subjects=list(spec.subjects), description=spec.description,
        storage=StorageType.FILE, duplicate_window=settings.event_duplicate_window,
        max_age=spec.max_age_days * 86_400, num_replicas=settings.stream_replicas,
    )


async def declare_streams(broker: NatsBroker, settings: Settings, *specs: StreamSpec) -> None:
    """Create each stream, or bring an existing one up to this configuration (owners only)."""
    js = broker.connection.jetstream()
    for spec in specs:
        await until_jetstream_answers(partial(_declare, js, stream_config(spec, settings)),
                                      spec.name)


async def until_jetstream_answers(call: Callable[[], Awaitable[None]], stream: str,
                                  within_s: float = READY_WITHIN_S) -> None:
    """Run `call`, again while JetStream is not ready yet (`NOT_YET`), for up to `within_s`.

    A service started together with a three-node cluster asks before the cluster has elected
    its leaders, and creating a replicated stream waits for its peers: that request times out
    or is answered 503 for a few seconds. Waiting here beats exiting for the supervisor to
    start the whole process again."""
    deadline = time.monotonic() + within_s
    pause = 0.2
    while True:
        try:
            await call()
            return
        except NOT_YET as error:
            if time.monotonic() + pause > deadline:
                raise
            log.warning("JetStream not ready for stream %s (%s); asking again",
                        stream, type(error).__name__)
        await asyncio.sleep(pause)
        pause = min(pause * 2, 5.0)


async def await_streams(broker: NatsBroker, settings: Settings, *specs: StreamSpec,
                        poll_s: float = 1.0) -> None:
    """Wait until streams that other services own exist; never change them.

    A missing one is created here if the server allows it (a development server without
    users, a test running one service); under deploy/nats.conf only its owner may, so wait.
    """
    js = broker.connection.jetstream(timeout=2.0)
    for spec in specs:
        tried = False
        while True:
            try:
                await until_jetstream_answers(partial(_info, js, spec.name), spec.name)
                break
            except NotFoundError:
                pass
            if not tried:
                tried = True
                try:
                    await js.add_stream(stream_config(spec, settings))
                    break
                except (TimeoutError, nats.errors.Error):  # refused: not ours to create
                    log.warning("waiting for stream %s from %s", spec.name, spec.owner)
            await asyncio.sleep(poll_s)


async def _declare(js: JetStreamContext, config: StreamConfig) -> None:
    assert config.name is not None
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
    else:
        await js.update_stream(config)


async def _info(js: JetStreamContext, stream: str) -> None:
    await js.stream_info(stream)
