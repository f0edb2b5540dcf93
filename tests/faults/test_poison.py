"""A poison event on a real service's real consumer: an attendance list for a session whose
stored record is damaged (its title lost in a hand edit), so applying it fails every time.
After its deliveries run out it goes to the dead-letter stream; the lists behind it are applied
meanwhile; once the record is repaired, `dialogues dlq replay` applies it, once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from shared.contracts.registration.events import AttendanceReport, Attendee
from shared.db import make_client
from tests.faults.support import (
    Stack,
    dialogues,
    open_session,
    publish_event,
    register_many,
    settle,
)
from tests.support import eventually

pytestmark = pytest.mark.faults


async def sessions_db(up: Stack, session_id: str, update: dict[str, Any] | None = None
                      ) -> list[Any]:
    """Apply `update` to the session, if any; the session's registrations."""
    client = make_client(up.settings, app_name="faults-check")
    try:
        db = client[up.settings.database_name("registration")]
        if update is not None:
            await db["sessions"].update_one({"_id": session_id}, update)
        return await db["registrations"].find({"session_id": session_id}).to_list()
    finally:
        await client.close()


async def test_a_poison_event_is_dead_lettered_then_replayed_once(
        stack: Callable[..., Stack]) -> None:
    up = stack(replicas=1, CONSUMER_MAX_DELIVER="3")
    damaged, _ = await open_session(up, title={"es": "Sesión dañada"})
    healthy, _ = await open_session(up)
    broken_people = [f"poison{i}@example.org" for i in range(2)]
    fine_people = [f"fine{i}@example.org" for i in range(3)]
    await register_many(up, damaged, broken_people)
    await register_many(up, healthy, fine_people)
    await eventually(lambda: up.smtp.box.count() == 5, 30, "confirmations", interval=0.1)
    registrations = await sessions_db(up, damaged, {"$unset": {"title": ""}})

    poison_id = f"poison-{uuid.uuid4().hex}"
    await publish_event(up, AttendanceReport(session_id=damaged, attendees=[
        Attendee(registration_id=r["_id"], minutes=50) for r in registrations]), poison_id)
    await publish_event(up, AttendanceReport(session_id=healthy, attendees=[
        Attendee(email=address, minutes=60) for address in fine_people]), uuid.uuid4().hex)
    # The list behind the poison is applied while the poison waits between its deliveries.
    await eventually(lambda: up.smtp.box.count() == 8, 30, "attendance mails of the healthy",
                     interval=0.1)

    def listed() -> str:
        return dialogues(up, "dlq", "list")

    await eventually(lambda: poison_id in listed(), 60, "the poison in the DLQ", interval=0.1)
    listing = listed()
    assert "registration-attendance" in listing and "deliveries=3" in listing, listing
    assert "handler failed: KeyError" in listing, listing
    assert all(r["attendance"] is None for r in await sessions_db(up, damaged))

    await sessions_db(up, damaged, {"$set": {"title": {"es": "Sesión dañada"}}})  # repaired
    assert "replayed" in dialogues(up, "dlq", "replay", "--all")
    await eventually(lambda: up.smtp.box.count() == 10, 30, "attendance mails after replay",
                     interval=0.1)
    applied = await sessions_db(up, damaged)
    assert [r["attendance"] for r in applied] == ["attended", "attended"]
    assert "empty" in listed()
    assert dialogues(up, "dlq", "replay", "--all") == ""  # nothing left to replay
    await settle(up)
    assert up.smtp.box.count() == 10
    per_address = up.smtp.box.per_address()
    assert all(per_address[a] == 2 for a in broken_people + fine_people), per_address
