"""JetStream streams: which exist, who owns each, and how a service declares or waits for them."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import nats.errors
from faststream.nats import NatsBroker
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from shared.settings import Settings

log = logging.getLogger(__name__)


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
        try:
            await js.stream_info(spec.name)
        except NotFoundError:
            await js.add_stream(stream_config(spec, settings))
        else:
            await js.update_stream(stream_config(spec, settings))


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
                await js.stream_info(spec.name)
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
