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
from shared.service import Parts, Runtime, start_service
from shared.settings import Settings
from tests.support import eventually
from tests.support.quiet import Settled

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def dialogues(settings: Settings, *args: str) -> str:
    env = {**os.environ, "NATS_URL": settings.effective_nats_url()}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=30, check=True).stdout


async def test_dead_letter_is_listed_and_replayed_once(
    settings: Settings, bus_client: NatsBroker, settled: Settled,
) -> None:
    quick = settings.model_copy(update={"consumer_max_deliver": 2})
    applied: list[str] = []
    broken = True

    async def handler(event: CloudEvent) -> None:
        if broken:
            raise RuntimeError("a bug, fixed later")
        applied.append(event.id)

    def build(runtime: Runtime) -> Parts:
        router = NatsRouter()
        subscribe(router, runtime, subject="registration.>", stream="REGISTRATION",
                  durable="replay-test", handler=handler, backoff=(0.05,))
        return Parts(routers=[router])

    service = await start_service(replace(SPEC, build=build), quick)
    try:
        event = CloudEvent(id="evt-poison", type="registration.session.published.v1",
                           source="test", time=datetime.now(UTC), data={"session_id": "s"})
        body, headers = event.to_nats()
        await bus_client.publish(body, event.type, headers=headers, stream="REGISTRATION")
        await eventually(lambda: read_dead_letters(bus_client), timeout=5,
                         what="the poison event dead-lettered")
        listing = await asyncio.to_thread(dialogues, quick, "dlq", "list")
        assert "replay-test" in listing and "evt-poison" in listing
        assert "handler failed: RuntimeError" in listing

        broken = False
        replayed = await asyncio.to_thread(dialogues, quick, "dlq", "replay", "--all")
        assert "replayed" in replayed
        await eventually(lambda: applied, timeout=5, what="the replayed event applied")
        assert applied == ["evt-poison"]
        assert await read_dead_letters(bus_client) == []
        again = await asyncio.to_thread(dialogues, quick, "dlq", "replay", "--all")
        assert again == ""
        await settled()
        assert applied == ["evt-poison"]
    finally:
        await service.stop()


def dead_letter_headers(consumer: str, subject: str, stream: str, event_id: str
                        ) -> dict[str, str]:
    event = CloudEvent(id=event_id, type=subject, source="test", time=datetime.now(UTC),
                       data={"session_id": "s"})
    _, headers = event.to_nats()
    return {**headers, "dlq-reason": "handler failed: RuntimeError", "dlq-consumer": consumer,
            "dlq-subject": subject, "dlq-stream": stream, "dlq-stream-sequence": "1",
            "dlq-deliveries": "2", "dlq-time": datetime.now(UTC).isoformat()}


async def test_a_replay_goes_back_only_where_the_letter_came_from(
    settings: Settings, bus_client: NatsBroker
) -> None:
    # Any service may write dead letters under its own consumers' names and say anything in
    # them: a replay must not let one publish where it may not (a forged "participant
    # confirmed" mails a join link), nor on a subject outside the event streams.
    applied: list[str] = []

    async def handler(event: CloudEvent) -> None:
        applied.append(event.id)

    def build(runtime: Runtime) -> Parts:
        router = NatsRouter()
        subscribe(router, runtime, subject="registration.session.>", stream="REGISTRATION",
                  durable="replay-test", handler=handler)
        return Parts(routers=[router])

    service = await start_service(replace(SPEC, build=build), settings)
    forged = [  # (stored on, consumer, subject, stream)
        ("dlq.replay-test.rpc.registration.cancel", "replay-test", "rpc.registration.cancel",
         "REGISTRATION"),
        ("dlq.replay-test.registration.participant.confirmed.v1", "replay-test",
         "registration.participant.confirmed.v1", "REGISTRATION"),  # not what it reads
        ("dlq.replay-test.catalog.document.published.v1", "replay-test",
         "catalog.document.published.v1", "CATALOG"),  # not its stream
        ("dlq.replay-test.registration.session.published.v1", "replay-test",
         "registration.session.published.v1", "INGEST"),  # names the wrong stream
        ("dlq.nobody.registration.session.published.v1", "nobody",
         "registration.session.published.v1", "REGISTRATION"),  # no such consumer
        ("dlq.other.registration.session.published.v1", "replay-test",
         "registration.session.published.v1", "REGISTRATION"),  # stored under another name
    ]
    try:
        refused = []
        for i, (stored, consumer, subject, stream) in enumerate(forged):
            ack = await bus_client.publish(
                b"{}", stored, headers=dead_letter_headers(consumer, subject, stream, f"f-{i}"),
                stream="DLQ")
            refused.append(ack.seq)
        genuine = dead_letter_headers("replay-test", "registration.session.published.v1",
                                      "REGISTRATION", "evt-genuine")
        ack = await bus_client.publish(b"{}", "dlq.replay-test.registration.session.published.v1",
                                       headers=genuine, stream="DLQ")

        env = {**os.environ, "NATS_URL": settings.effective_nats_url()}
        finished = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "cli.main", "dlq", "replay", "--all"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
        assert finished.returncode == 1, finished.stderr
        for sequence in refused:
            assert f"refused {sequence}: " in finished.stdout, finished.stdout
        assert f"replayed {ack.seq} on registration.session.published.v1" in finished.stdout
        assert "not a subject of a known stream" in finished.stdout
        assert "does not read 'registration.participant.confirmed.v1'" in finished.stdout
        await eventually(lambda: applied, timeout=5, what="the genuine event applied")
        assert applied == ["evt-genuine"]
        js = bus_client.connection.jetstream()
        assert (await js.stream_info("REGISTRATION")).state.messages == 1
        assert [letter.sequence for letter in await read_dead_letters(bus_client)] == refused
    finally:
        await service.stop()
