"""Capacity and the waiting list: who gets a seat, who waits, who moves up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.contracts.registration.rpc import (
    PatchSession,
    Registered,
    RegistrationAction,
    SessionFields,
    SessionView,
)
from tests.fast.registration.backends import Backend
from tests.fast.registration.support import open_session, register, statuses

pytestmark = pytest.mark.fast


async def test_a_full_session_puts_the_next_person_on_the_waiting_list(backend: Backend) -> None:
    session_id = await open_session(backend, capacity=2)
    replies = [await register(backend, session_id, f"p{n}@example.org") for n in range(4)]
    assert [r.status for r in replies] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r.waitlist_position for r in replies[2:]] == [1, 2]
    confirmed = await backend.events("registration.participant.confirmed", expected=2)
    waitlisted = await backend.events("registration.participant.waitlisted", expected=2)
    assert {e.data["registration_id"] for e in confirmed} == {
        r.registration_id for r in replies[:2]}
    assert len(waitlisted) == 2


async def test_a_cancellation_gives_the_seat_to_the_first_waiting(backend: Backend) -> None:
    session_id = await open_session(backend, capacity=1)
    first = await register(backend, session_id, "first@example.org")
    second = await register(backend, session_id, "second@example.org")
    third = await register(backend, session_id, "third@example.org")
    assert first.registration_id is not None
    cancelled = await backend.call(
        "cancel_registration", RegistrationAction(registration_id=first.registration_id),
        Registered)
    assert cancelled.status == "cancelled"
    assert await statuses(backend, session_id) == {
        "first@example.org": "cancelled", "second@example.org": "confirmed",
        "third@example.org": "waitlisted"}
    promoted = await backend.events("registration.participant.promoted", expected=1)
    assert [e.data["registration_id"] for e in promoted] == [second.registration_id]
    assert third.registration_id not in {e.data["registration_id"] for e in promoted}


async def test_more_capacity_moves_the_waiting_list_up_in_order(backend: Backend) -> None:
    session_id = await open_session(backend, capacity=1)
    for name in ("a", "b", "c", "d"):
        await register(backend, session_id, f"{name}@example.org")
    await backend.call("patch_session", PatchSession(
        session_id=session_id, fields=SessionFields(capacity=3)), SessionView)
    assert await statuses(backend, session_id) == {
        "a@example.org": "confirmed", "b@example.org": "confirmed",
        "c@example.org": "confirmed", "d@example.org": "waitlisted"}
    promoted = await backend.events("registration.participant.promoted", expected=2)
    assert [e.data["participant"]["email"] for e in promoted] == [
        "b@example.org", "c@example.org"]


async def test_a_seat_reserved_for_a_country_is_kept_from_everyone_else(
        backend: Backend) -> None:
    release_at = backend.clock() + timedelta(days=3)
    session_id = await open_session(backend, capacity=2, country_quotas=[
        {"country": "CL", "seats": 1, "release_at": release_at.isoformat()}])
    mexican = await register(backend, session_id, "mx1@example.org", country="MX")
    second_mexican = await register(backend, session_id, "mx2@example.org", country="MX")
    chilean = await register(backend, session_id, "cl@example.org", country="CL")
    assert (mexican.status, second_mexican.status, chilean.status) == (
        "confirmed", "waitlisted", "confirmed")
