"""Durable consumers apply each event once, retry failures, and dead-letter the hopeless."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import nats
import pytest
from faststream.nats import NatsBroker, NatsRouter

from services.registration.bootstrap import SPEC
from shared.bus import ServiceError
from shared.consumer import subscribe
from shared.contracts import ErrorCode
from shared.contracts.envelope import CloudEvent
from shared.inbox import COLLECTION as APPLIED
from shared.service import Parts, RunningService, Runtime, start_service
from shared.settings import Settings
from shared.streams import declare_streams, service_stream
from tests.support import eventually
from tests.support.quiet import Settled

pytestmark = pytest.mark.integration

Handler = Callable[[CloudEvent], "asyncio.Future[None] | object"]


def event(event_id: str, subject: str = "registration.session.published.v1") -> CloudEvent:
    return CloudEvent(id=event_id, type=subject, source="test", time=datetime.now(UTC),
                      data={"session_id": "s1"})


async def publish(broker: NatsBroker, ce: CloudEvent, *, msg_id: str | None = None,
                  subject: str | None = None) -> None:
    body, headers = ce.to_nats()
    headers["Nats-Msg-Id"] = msg_id or ce.id
    subject = subject or ce.type
    await broker.publish(body, subject, headers=headers,
                         stream=subject.split(".", 1)[0].upper())


class Recorder:
    """A handler that fails its first `failures` calls per event, then records the event."""

    def __init__(self, failures: int = 0, always_fail_on: str | None = None) -> None:
        self.failures, self.always_fail_on = failures, always_fail_on
        self.calls: dict[str, int] = {}
        self.applied: list[str] = []

    async def __call__(self, ce: CloudEvent) -> None:
        self.calls[ce.id] = self.calls.get(ce.id, 0) + 1
        if ce.id == self.always_fail_on or self.calls[ce.id] <= self.failures:
            raise RuntimeError("the handler's dependency is down")
        self.applied.append(ce.id)


async def running(settings: Settings, recorder: Recorder, subject: str, stream: str,
                  ack_wait: float = 30.0, self_deduplicating: frozenset[str] = frozenset()
                  ) -> RunningService:
    def build(runtime: Runtime) -> Parts:
        router = NatsRouter()
        subscribe(router, runtime, subject=subject, stream=stream, durable="test-consumer",
                  handler=recorder, backoff=(0.05,), ack_wait=ack_wait,
                  self_deduplicating=self_deduplicating)
        return Parts(routers=[router])

    return await start_service(replace(SPEC, build=build), settings)


@pytest.fixture
def quick(settings: Settings) -> Settings:
    return settings.model_copy(update={"consumer_max_deliver": 3})


@pytest.fixture
def client(bus_client: NatsBroker) -> NatsBroker:
    return bus_client


async def dlq_messages(url: str, expected: int) -> list[nats.aio.msg.Msg]:
    connection = await nats.connect(url)
    subscription = await connection.jetstream().pull_subscribe("dlq.>", stream="DLQ")
    messages = await subscription.fetch(expected, timeout=5)
    await connection.close()
    return messages


async def test_a_redelivered_event_is_applied_once(quick: Settings, client: NatsBroker,
                                                   settled: Settled) -> None:
    # Same event id, different Nats-Msg-Id: JetStream keeps both, the inbox must not. Published
    # before the consumer starts, so that all three come in one batch, which is handled
    # concurrently: both copies of e-1 are in hand at once, and neither has its inbox record
    # yet. (A batch promises no order between events, so the test asserts none.)
    await declare_streams(client, quick, service_stream("registration"))
    await publish(client, event("e-1"), msg_id="m-1")
    await publish(client, event("e-1"), msg_id="m-2")
    await publish(client, event("e-2"))
    recorder = Recorder()
    service = await running(quick, recorder, "registration.>", "REGISTRATION")
    try:
        await eventually(lambda: set(recorder.applied) == {"e-1", "e-2"}, timeout=10)
        await settled()
        assert sorted(recorder.applied) == ["e-1", "e-2"]
        assert recorder.calls == {"e-1": 1, "e-2": 1}
    finally:
        await service.stop()


async def test_a_self_deduplicating_event_keeps_no_inbox_record(
    quick: Settings, client: NatsBroker, settled: Settled
) -> None:
    # Each copy of an event whose handler turns copies away by itself reaches that handler,
    # and no inbox record is read or written for it; an ordinary event's copy is still
    # turned away by the inbox.
    own = "registration.participant.confirmed.v1"
    recorder = Recorder()
    service = await running(quick, recorder, "registration.>", "REGISTRATION",
                            self_deduplicating=frozenset({own}))
    try:
        for copy in ("a", "b"):
            await publish(client, event("own-1", own), msg_id=f"own-{copy}")
            await publish(client, event("plain-1"), msg_id=f"plain-{copy}")
        await eventually(lambda: recorder.calls.get("own-1") == 2, timeout=10)
        await settled()
        assert recorder.calls == {"own-1": 2, "plain-1": 1}
        records = await service.runtime.db[APPLIED].find({}).to_list()
        assert [record["event_id"] for record in records] == ["plain-1"]
    finally:
        await service.stop()


async def test_a_failing_handler_is_retried_until_it_succeeds(
    quick: Settings, client: NatsBroker
) -> None:
    recorder = Recorder(failures=2)
    service = await running(quick, recorder, "registration.>", "REGISTRATION")
    try:
        await publish(client, event("e-retry"))
        await eventually(lambda: recorder.applied == ["e-retry"], timeout=10)
        assert recorder.calls["e-retry"] == 3
    finally:
        await service.stop()


async def test_a_poison_event_is_dead_lettered_and_the_rest_flow(
    quick: Settings, client: NatsBroker
) -> None:
    recorder = Recorder(always_fail_on="poison")
    service = await running(quick, recorder, "registration.>", "REGISTRATION")
    try:
        await publish(client, event("poison"))
        await publish(client, event("after"))
        await eventually(lambda: "after" in recorder.applied, timeout=10)
        [letter] = await dlq_messages(quick.effective_nats_url(), 1)
        assert recorder.calls["poison"] == quick.consumer_max_deliver
        assert letter.subject == "dlq.test-consumer.registration.session.published.v1"
        assert letter.headers is not None
        assert letter.headers["dlq-reason"] == "handler failed: RuntimeError"
        assert letter.headers["dlq-deliveries"] == str(quick.consumer_max_deliver)
        assert letter.headers["ce-id"] == "poison"
        assert json.loads(letter.data) == {"session_id": "s1"}
    finally:
        await service.stop()


async def test_malformed_ingest_is_rejected_with_a_reason(quick: Settings, client: NatsBroker
                                                          ) -> None:
    recorder = Recorder()
    service = await running(quick, recorder, "ingest.registration.>", "INGEST")
    try:
        await client.publish(b"not json", "ingest.registration.attendance.v1",
                             headers={"ce-id": "bad-1"}, stream="INGEST")
        structured = {"specversion": "1.0", "id": "good-1", "type": "attendance.v1",
                      "source": "webinar-platform", "time": "2026-11-21T10:00:00Z",
                      "data": {"session_id": "s1"}}
        await client.publish(json.dumps(structured).encode(), "ingest.registration.attendance.v1",
                             headers={"content-type": "application/cloudevents+json"},
                             stream="INGEST")
        await eventually(lambda: recorder.applied == ["good-1"], timeout=10)
        [letter] = await dlq_messages(quick.effective_nats_url(), 1)
        assert letter.headers is not None
        assert "not valid UTF-8 JSON" in letter.headers["dlq-reason"]

        connection = await nats.connect(quick.effective_nats_url())
        rejections = await connection.jetstream().pull_subscribe(
            "ingest.rejected.v1", stream="INGEST")
        [rejection] = await rejections.fetch(1, timeout=5)
        await connection.close()
        assert rejection.headers is not None and rejection.headers["ce-subject"] == "bad-1"
        assert rejection.headers["ce-source"] == "dialogues/registration"
        body = json.loads(rejection.data)
        assert body["subject"] == "ingest.registration.attendance.v1"
        assert "not a CloudEvent" in body["reason"] or "JSON" in body["reason"]
    finally:
        await service.stop()


class Refusing(Recorder):
    """A handler that refuses each event once with a `ServiceError` of this code."""

    def __init__(self, code: ErrorCode) -> None:
        super().__init__()
        self.code = code

    async def __call__(self, ce: CloudEvent) -> None:
        self.calls[ce.id] = self.calls.get(ce.id, 0) + 1
        if self.calls[ce.id] == 1:
            raise ServiceError(self.code, "refused this time")
        self.applied.append(ce.id)


@pytest.mark.parametrize("code", ["unavailable", "conflict"])
async def test_a_refusal_that_may_pass_is_retried(code: ErrorCode, quick: Settings,
                                                 client: NatsBroker) -> None:
    handler = Refusing(code)
    service = await running(quick, handler, "registration.>", "REGISTRATION")
    try:
        await publish(client, event(f"e-{code}"))
        await eventually(lambda: handler.applied == [f"e-{code}"], timeout=10)
        assert handler.calls[f"e-{code}"] == 2
    finally:
        await service.stop()


async def test_an_invalid_refusal_is_dead_lettered_at_once(quick: Settings,
                                                           client: NatsBroker) -> None:
    handler = Refusing("invalid")
    service = await running(quick, handler, "registration.>", "REGISTRATION")
    try:
        await publish(client, event("e-invalid"))
        [letter] = await dlq_messages(quick.effective_nats_url(), 1)
        assert letter.headers is not None and letter.headers["dlq-deliveries"] == "1"
        assert handler.calls["e-invalid"] == 1 and handler.applied == []
    finally:
        await service.stop()


class Slow(Recorder):
    """A handler that works on each event for longer than the consumer's ack wait."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def __call__(self, ce: CloudEvent) -> None:
        self.calls[ce.id] = self.calls.get(ce.id, 0) + 1
        await asyncio.sleep(self.seconds)
        self.applied.append(ce.id)


async def test_a_handler_slower_than_the_ack_wait_gets_its_event_once(
    quick: Settings, client: NatsBroker
) -> None:
    # Two replicas share the durable: had JetStream redelivered the event while the first
    # still worked on it, the idle second one would have received it and run it again.
    handler = Slow(seconds=3.5)
    replicas = [await running(quick, handler, "registration.>", "REGISTRATION", ack_wait=1.0)
                for _ in range(2)]
    try:
        await publish(client, event("e-slow"))
        await eventually(lambda: handler.applied == ["e-slow"], timeout=10)
        await asyncio.sleep(1.5)  # longer than the ack wait: a late redelivery would show
        assert handler.calls == {"e-slow": 1}
        connection = await nats.connect(quick.effective_nats_url())
        info = await connection.jetstream().consumer_info("REGISTRATION", "test-consumer")
        await connection.close()
        assert info.num_redelivered == 0 and info.num_ack_pending == 0
    finally:
        for replica in replicas:
            await replica.stop()
