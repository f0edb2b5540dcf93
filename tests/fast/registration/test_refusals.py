"""Registrations the service refuses, and the address registered twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.contracts.registration.rpc import CancelSession, SessionView
from tests.fast.registration.backends import Backend
from tests.fast.registration.support import (
    draft_session,
    open_session,
    refused,
    register,
    statuses,
)

pytestmark = pytest.mark.fast


async def test_nobody_registers_after_registration_closes(backend: Backend) -> None:
    closes = backend.clock() + timedelta(days=1)
    session_id = await open_session(backend, registration_closes_at=closes)
    await register(backend, session_id, "early@example.org")
    backend.clock.advance(timedelta(days=1))
    assert await refused(register(backend, session_id, "late@example.org")) == "conflict"
    assert await statuses(backend, session_id) == {"early@example.org": "confirmed"}


async def test_nobody_registers_for_a_cancelled_session(backend: Backend) -> None:
    session_id = await open_session(backend)
    await backend.call("cancel_session", CancelSession(session_id=session_id, reason="Moved"),
                       SessionView)
    assert await refused(register(backend, session_id, "ana@example.org")) == "conflict"
    assert await statuses(backend, session_id) == {}


async def test_nobody_registers_for_an_unknown_or_unpublished_session(
        backend: Backend) -> None:
    draft = await draft_session(backend)
    assert await refused(register(backend, "no-such-session", "ana@example.org")) \
        == "not_found"
    assert await refused(register(backend, draft.id, "ana@example.org")) == "not_found"


async def test_an_address_registered_again_gets_nothing_and_its_owner_is_told(
        backend: Backend) -> None:
    session_id = await open_session(backend, capacity=10)
    first = await register(backend, session_id, "ana@example.org")
    again = await register(backend, session_id, " ANA@example.org")
    assert first.created and first.status == "confirmed"
    assert again.created is False and again.registration_id is None and again.status is None
    assert await statuses(backend, session_id) == {"ana@example.org": "confirmed"}
    [told] = await backend.events("registration.participant.already_registered")
    assert told.data["registration_id"] == first.registration_id
    assert told.data["status"] == "confirmed"
