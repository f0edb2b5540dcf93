"""The outbox relay publishes what a write stored, exactly once on the stream, through outages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.bus import declare_streams, make_broker, service_stream
from shared.contracts.events import Event
from shared.db import Document, ensure_indexes
from shared.outbox import (
    OUTBOX_FIELD,
    PENDING_FIELD,
    OutboxRelay,
    outbox_entry,
    pending_query,
    push_to_outbox,
    with_pending_marker,
)
from shared.servers import start_nats
from shared.settings import Settings
from tests.support import eventually

pytestmark = pytest.mark.integration


class SessionPublished(Event):
    stem = "registration.session.published"
    session_id: str


def entry(event_id: str, session_id: str = "s1") -> Document:
    return outbox_entry(SessionPublished(session_id=session_id), event_id=event_id,
                        source="dialogues/registration", now=datetime.now(UTC))


async def stream_messages(url: str, count: int, timeout: float = 5.0) -> list[nats.aio.msg.Msg]:
    connection = await nats.connect(url)
    js = connection.jetstream()
    subscription = await js.pull_subscribe("registration.>", stream="REGISTRATION")
    messages: list[nats.aio.msg.Msg] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while len(messages) < count and asyncio.get_running_loop().time() < deadline:
        with contextlib.suppress(nats.errors.TimeoutError):
            messages += await subscription.fetch(count - len(messages), timeout=0.5)
    await connection.close()
    return messages


@pytest.fixture
async def parts(settings: Settings) -> AsyncIterator[tuple[AsyncDatabase[Document], OutboxRelay]]:
    """A database and a relay over its `sessions`, publishing into a real REGISTRATION stream."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(settings.effective_mongo_url())
    broker = make_broker(settings, client_name="test")
    await broker.connect()
    await declare_streams(broker, settings, service_stream("registration"))
    db = client[settings.database_name("registration")]
    yield db, OutboxRelay(db, ["sessions"], broker, source="test", poll_interval=0.05)
    await broker.stop()
    await client.close()


async def test_state_and_event_in_one_write_are_published_and_removed(
    settings: Settings, parts: tuple[AsyncDatabase[Document], OutboxRelay]
) -> None:
    db, relay = parts

    await db.sessions.insert_one({"_id": "s1", "status": "draft", "outbox": []})
    await db.sessions.update_one(
        {"_id": "s1"}, push_to_outbox({"$set": {"status": "published"}}, [entry("e-1")])
    )
    assert await relay.relay_once() == 1

    [message] = await stream_messages(settings.effective_nats_url(), 1)
    assert message.subject == "registration.session.published.v1"
    assert message.headers is not None
    assert message.headers["ce-id"] == "e-1"
    assert message.headers["Nats-Msg-Id"] == "e-1"
    assert message.headers["ce-type"] == "registration.session.published.v1"
    assert b'"session_id":"s1"' in message.data
    stored = await db.sessions.find_one({"_id": "s1"})
    assert stored is not None and stored["status"] == "published" and stored["outbox"] == []


async def test_republishing_an_entry_stores_it_once(
    parts: tuple[AsyncDatabase[Document], OutboxRelay]
) -> None:
    """A relay that crashed after publishing, or two replicas racing, publish an entry twice."""
    db, relay = parts
    twice = entry("e-dup")
    await db.sessions.insert_one({"_id": "a", "outbox": [twice]})
    await db.sessions.insert_one({"_id": "b", "outbox": [twice]})

    assert await relay.relay_once() == 2
    info = await relay.broker.connection.jetstream().stream_info("REGISTRATION")
    assert info.state.messages == 1


async def test_the_pending_marker_finds_what_no_kick_announced_and_outlives_the_relay(
    parts: tuple[AsyncDatabase[Document], OutboxRelay]
) -> None:
    """Writes whose process died before its relay ran are found by the periodic scan, which
    reads only the marker; the marker stays while any entry waits."""
    db, quick = parts
    relay = OutboxRelay(db, ["sessions"], quick.broker, source="test", poll_interval=60)
    assert await relay.relay_once() == 0  # the start's scan, of the entries themselves

    await db.sessions.insert_one(with_pending_marker({"_id": "m", OUTBOX_FIELD: [entry("m-1")]}))
    await db.sessions.insert_one(with_pending_marker({"_id": "q", OUTBOX_FIELD: []}))
    await db.sessions.update_one({"_id": "q"}, push_to_outbox({}, [entry("m-2")]))
    assert await relay.relay_once() == 2  # no kick: found by the marker
    assert await db.sessions.count_documents({PENDING_FIELD: {"$exists": True}}) == 0

    # A writer adds m-4 after the relay took m-3 in hand: m-4 and the marker must stay.
    await db.sessions.update_one({"_id": "m"}, push_to_outbox({}, [entry("m-3")]))
    await db.sessions.update_one({"_id": "m"}, push_to_outbox({}, [entry("m-4")]))
    relay.kick("sessions", "m", [entry("m-3")])
    assert await relay.relay_once(named_only=True) == 1
    stored = await db.sessions.find_one({"_id": "m"})
    assert stored is not None and [e["id"] for e in stored[OUTBOX_FIELD]] == ["m-4"]
    assert stored[PENDING_FIELD] > 0

    # A relay that died between its pull and its clear left a marker over an empty outbox.
    await db.sessions.update_one({"_id": "q"}, {"$set": {PENDING_FIELD: 1}})
    assert await relay.relay_once() == 1  # m-4
    assert await db.sessions.count_documents({PENDING_FIELD: {"$exists": True}}) == 0
    assert [d[OUTBOX_FIELD] for d in await db.sessions.find({}).to_list()] == [[], []]


async def test_the_periodic_scan_is_served_by_an_index(
    parts: tuple[AsyncDatabase[Document], OutboxRelay]
) -> None:
    db, relay = parts
    await ensure_indexes(db, OutboxRelay.indexes(["sessions"]))
    await db.sessions.insert_one({"_id": "x", OUTBOX_FIELD: []})
    plan = await db.sessions.find(pending_query(), {OUTBOX_FIELD: 1}).limit(relay.batch) \
        .explain()
    winning = str(plan["queryPlanner"]["winningPlan"])
    # MongoDB: an IXSCAN stage; the stand-in: SQLite's own plan, "SEARCH ... USING INDEX".
    assert "IXSCAN" in winning or "USING INDEX" in winning, winning
    assert "COLLSCAN" not in winning


async def test_relay_keeps_events_through_a_nats_outage(mongo_url: str, tmp_path: Path) -> None:
    server = start_nats(tmp_path / "nats")
    settings = Settings(nats_url=server.url, mongo_url=mongo_url, db_prefix="outage")
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongo_url)
    db = client[f"outage_{tmp_path.name}"]
    broker = make_broker(settings, client_name="test")
    await broker.connect()
    await declare_streams(broker, settings, service_stream("registration"))
    relay = OutboxRelay(db, ["sessions"], broker, source="test", poll_interval=0.05)
    relay.start()
    try:
        server.kill()
        await db.sessions.insert_one(
            with_pending_marker({"_id": "s", "outbox": [entry("during-outage")]}))
        relay.kick()
        # Timed on purpose: NATS is down, and the relay must keep the entry through rounds
        # that fail for a while; nothing settles that a barrier could wait for.
        await asyncio.sleep(2.0)
        pending = await db.sessions.find_one({"_id": "s"})
        assert pending is not None and len(pending["outbox"]) == 1, "kept while NATS is down"

        server = start_nats(tmp_path / "nats", port=server.port)
        [message] = await stream_messages(server.url, 1, timeout=30)
        assert message.headers is not None and message.headers["ce-id"] == "during-outage"

        async def relayed() -> Document | None:
            found = await db.sessions.find_one({"_id": "s"})
            return found if found is not None and found["outbox"] == [] else None

        done = await eventually(relayed, timeout=10, interval=0.1,
                                what="the outbox entry marked relayed")
        assert done is not None and done["outbox"] == []
    finally:
        await relay.stop()
        await broker.stop()
        await client.close()
        server.stop()
