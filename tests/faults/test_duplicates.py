"""Duplicate publishes and redeliveries change nothing: every event of every stream published
again (same CloudEvent id, a new Nats-Msg-Id, so JetStream's dedupe does not drop it), to every
consumer of every service, with two replicas of each racing for them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import nats
import pytest

from shared.contracts.catalog.events import IngestedDocument
from shared.contracts.registration.events import AttendanceReport, Attendee
from tests.faults.support import (
    Stack,
    open_session,
    publish_event,
    register_many,
    republish_everything,
    settle,
    state_digest,
)
from tests.support import eventually

pytestmark = pytest.mark.faults


async def publish_ingested(up: Stack, document: IngestedDocument) -> None:
    """As a portal publishes: on its own source's subject (`publish_event` takes the class's
    `subject()`, which for ingested documents is the filter of every portal's subject)."""
    event = document.to_cloudevent(event_id=uuid.uuid4().hex, source=document.source,
                                   time=datetime.now(UTC))
    body, headers = event.to_nats()
    connection = await nats.connect(up.nats.url)
    try:
        await connection.jetstream().publish(IngestedDocument.subject_for(document.source),
                                             body, headers=headers, stream="INGEST")
    finally:
        await connection.close()


async def steady(up: Stack) -> dict[str, str]:
    """The state digest once it stops changing (outboxes relayed, mails sent)."""
    last = await state_digest(up)
    for _ in range(30):
        # Compared 1.5 s apart: a poller's round (mail due, translation jobs) is work quiet
        # cannot see, so the state itself must be seen not to change.
        await asyncio.sleep(1.5)
        now = await state_digest(up)
        if now == last:
            return now
        last = now
    pytest.fail("the state never settled")


async def test_every_event_published_twice_changes_nothing(stack: Callable[..., Stack]) -> None:
    up = stack(replicas=2)
    session_id, _ = await open_session(up)
    people = [f"dup{i}@example.org" for i in range(4)]
    await register_many(up, session_id, people)
    await publish_event(up, AttendanceReport(session_id=session_id, attendees=[
        Attendee(email=address, minutes=40) for address in people[:2]]), uuid.uuid4().hex)
    await publish_ingested(up, IngestedDocument(
        source="portal-example", external_id="guide-1", type="guide", source_language="es",
        title={"es": "Guía de compras sostenibles"}, summary={"es": "Una guía."},
        body={"es": "Texto de la guía."}, topics=["sustainable_procurement"], countries=["PA"],
    ))
    await eventually(lambda: up.smtp.box.count() >= 6, 30, "confirmations and attendance",
                     interval=0.1)
    before, mails = await steady(up), up.smtp.box.count()
    assert any(key.startswith("translate.") for key in before)  # the document reached it

    republished = await republish_everything(up)
    await settle(up)
    after = await steady(up)
    changed = sorted(key for key in before.keys() | after.keys()
                     if before.get(key) != after.get(key))
    print(f"\n{republished} events published again; {mails} mails before, "
          f"{up.smtp.box.count()} after; collections changed: {changed}")
    assert changed == []
    assert up.smtp.box.count() == mails and up.smtp.box.doubled() == {}
