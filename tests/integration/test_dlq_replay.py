"""A poison event lands in the DLQ; once the cause is fixed, a replay applies it exactly once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faststream.nats import NatsBroker, NatsRouter

from services.registration.bootstrap import SPEC
from shared.consumer import subscribe
from shared.contracts.envelope import CloudEvent
from shared.dlq import read_dead_letters
from shared.service import Runtime, start_service
from shared.settings import Settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def dialogues(settings: Settings, *args: str) -> str:
    env = {**os.environ, "NATS_URL": settings.effective_nats_url()}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=30, check=True).stdout


async def test_dead_letter_is_listed_and_replayed_once(
    settings: Settings, bus_client: NatsBroker
) -> None:
    quick = settings.model_copy(update={"consumer_max_deliver": 2})
    applied: list[str] = []
    broken = True

    async def handler(event: CloudEvent) -> None:
        if broken:
            raise RuntimeError("a bug, fixed later")
        applied.append(event.id)

    def routers(runtime: Runtime) -> list[NatsRouter]:
        router = NatsRouter()
        subscribe(router, runtime, subject="registration.>", stream="REGISTRATION",
                  durable="replay-test", handler=handler, backoff=(0.05,))
        return [router]

    service = await start_service(replace(SPEC, routers=routers), quick)
    try:
        event = CloudEvent(id="evt-poison", type="registration.session.published.v1",
                           source="test", time=datetime.now(UTC), data={"session_id": "s"})
        body, headers = event.to_nats()
        await bus_client.publish(body, event.type, headers=headers, stream="REGISTRATION")
        for _ in range(100):
            if await read_dead_letters(bus_client):
                break
            await asyncio.sleep(0.05)
        listing = await asyncio.to_thread(dialogues, quick, "dlq", "list")
        assert "replay-test" in listing and "evt-poison" in listing
        assert "handler failed: RuntimeError" in listing

        broken = False
        replayed = await asyncio.to_thread(dialogues, quick, "dlq", "replay", "--all")
        assert "replayed" in replayed
        for _ in range(100):
            if applied:
                break
            await asyncio.sleep(0.05)
        assert applied == ["evt-poison"]
        assert await read_dead_letters(bus_client) == []
        again = await asyncio.to_thread(dialogues, quick, "dlq", "replay", "--all")
        assert again == ""
        await asyncio.sleep(0.3)
        assert applied == ["evt-poison"]
    finally:
        await service.stop()
