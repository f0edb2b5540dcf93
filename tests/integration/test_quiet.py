"""The quiet barrier on real servers: it waits for the work in flight, and says what is busy."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from faststream.nats import NatsBroker, NatsRouter

from services.registration.bootstrap import SPEC
from shared.consumer import subscribe
from shared.contracts.envelope import CloudEvent
from shared.service import Parts, RunningService, Runtime, start_service
from shared.settings import Settings
from shared.streams import declare_streams, service_stream
from tests.support.quiet import Servers, Settled, quiet

pytestmark = pytest.mark.integration
BURST = 40


class Unhurried:
    """A handler that takes a moment over each event, so a burst is still being applied
    well after the last publish returned."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.applied: list[str] = []

    async def __call__(self, ce: CloudEvent) -> None:
        await asyncio.sleep(self.seconds)
        self.applied.append(ce.id)


async def consuming(settings: Settings, handler: Unhurried) -> RunningService:
    def build(runtime: Runtime) -> Parts:
        router = NatsRouter()
        subscribe(router, runtime, subject="registration.>", stream="REGISTRATION",
                  durable="quiet-test", handler=handler, backoff=(0.05,))
        return Parts(routers=[router])

    return await start_service(replace(SPEC, build=build), settings)


async def publish_burst(broker: NatsBroker, settings: Settings, count: int) -> None:
    await declare_streams(broker, settings, service_stream("registration"))
    for n in range(count):
        ce = CloudEvent(id=f"e-{n}", type="registration.session.published.v1", source="test",
                        time=datetime.now(UTC), data={"session_id": f"s{n}"})
        body, headers = ce.to_nats()
        await broker.publish(body, ce.type, headers={**headers, "Nats-Msg-Id": ce.id},
                             stream="REGISTRATION")


async def test_quiet_returns_only_once_a_burst_is_all_applied(
    settings: Settings, bus_client: NatsBroker, settled: Settled
) -> None:
    handler = Unhurried(seconds=0.2)
    service = await consuming(settings, handler)
    try:
        await publish_burst(bus_client, settings, BURST)
        assert len(handler.applied) < BURST  # still at work: the barrier has something to wait for
        await settled()
        assert sorted(handler.applied) == sorted(f"e-{n}" for n in range(BURST))
    finally:
        await service.stop()


async def test_quiet_fails_naming_the_consumer_still_at_work(
    settings: Settings, bus_client: NatsBroker
) -> None:
    handler = Unhurried(seconds=3)  # outlasts the barrier's 1.5 s, not the stop
    service = await consuming(settings, handler)
    try:
        await publish_burst(bus_client, settings, 1)
        with pytest.raises(AssertionError, match="consumer REGISTRATION/quiet-test: "
                                                 r"\d+ pending, 1 unacknowledged"):
            await quiet(Servers.of(settings), timeout=1.5)
    finally:
        await service.stop()
