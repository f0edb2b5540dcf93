"""Concurrent registration writes go out as one command each, each with its own outcome
(store/batched.py), against the real MongoDB wire server."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from pymongo import AsyncMongoClient, monitoring

from services.registration.handlers.registrations import new_registration
from services.registration.store import Store, indexes
from shared.contracts.registration.rpc import RegistrationForm
from shared.db import Document, ensure_indexes

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)


class Commands(monitoring.CommandListener):
    """The commands one client sent, by name."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.sent[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def counted(mongo_url: str) -> AsyncIterator[tuple[Store, Commands]]:
    commands = Commands()
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongo_url, tz_aware=True,
                                                          event_listeners=[commands])
    db = client[f"t{uuid.uuid4().hex[:12]}_registration"]
    await ensure_indexes(db, indexes())
    yield Store(db), commands
    await client.drop_database(db.name)
    await client.close()


def registration(email: str) -> Document:
    form = RegistrationForm(name="Ana Gómez", email=email, country="PE", institution="OSCE",
                            sector="government", job_title="Analista",
                            preferred_language="es", consent=True)
    return new_registration("s1", form, NOW)


async def test_concurrent_inserts_are_one_command_and_a_duplicate_is_only_its_own_answer(
        counted: tuple[Store, Commands]) -> None:
    store, commands = counted
    there = registration("ana@example.org")
    assert await store.insert_registration(there) is None
    first, again, other, twice = (registration("eva@example.org"),
                                  registration("ANA@example.org"),
                                  registration("leo@example.org"),
                                  registration("eva@example.org"))
    commands.sent.clear()

    answers = await asyncio.gather(*(store.insert_registration(d)
                                     for d in (first, again, other, twice)))

    assert commands.sent["insert"] == 1
    assert [a and a["_id"] for a in answers] == [None, there["_id"], None, first["_id"]]
    stored = await store.registrations.find({}, {"_id": 1}).to_list()
    assert {d["_id"] for d in stored} == {there["_id"], first["_id"], other["_id"]}


async def test_concurrent_status_writes_are_one_command_and_each_knows_if_it_applied(
        counted: tuple[Store, Commands]) -> None:
    store, commands = counted
    documents = [registration(f"p{i}@example.org") for i in range(4)]
    for document in documents:
        assert await store.insert_registration(document) is None
    moved = documents[2]["_id"]
    assert await store.advance(moved, ("received",), {"status": "confirmed"}, [])
    commands.sent.clear()

    applied = await asyncio.gather(*(
        store.advance(d["_id"], ("received",), {"status": "waitlisted",
                                                "waitlist_position": i + 1}, [])
        for i, d in enumerate(documents)))

    assert commands.sent["update"] == 1
    assert applied == [True, True, False, True]
    after = {d["_id"]: d["status"]
             for d in await store.registrations.find({}, {"status": 1}).to_list()}
    assert after == {d["_id"]: "confirmed" if d["_id"] == moved else "waitlisted"
                     for d in documents}


async def test_concurrent_joins_of_one_waiting_list_are_one_write_with_a_position_each(
        counted: tuple[Store, Commands]) -> None:
    store, commands = counted
    await store.sessions.insert_one({"_id": "s1", "status": "published", "quotas_rev": 0,
                                     "rev": 0, "capacity": 1, "confirmed": 1, "seats": ["r0"],
                                     "waiting": [], "waitlist_next": 0, "quota_used": {},
                                     "quota_holders": []})
    session = await store.session_summary("s1")
    assert session is not None
    commands.sent.clear()

    joined = await asyncio.gather(*(store.join_waitlist(session, r)
                                     for r in ("r1", "r2", "r0", "r3")))

    assert [j and j["waitlist_next"] for j in joined] == [1, 2, None, 3]
    # r0 holds a seat: the joint write fails, then each joins alone, in order
    assert commands.sent["findAndModify"] == 1 + 4
    commands.sent.clear()
    joined = await asyncio.gather(*(store.join_waitlist(session, r) for r in ("r4", "r5")))
    assert [j and j["waitlist_next"] for j in joined] == [4, 5]
    assert commands.sent["findAndModify"] == 1
    after = await store.session("s1")
    assert after is not None and after["waiting"] == ["r1", "r2", "r3", "r4", "r5"]
