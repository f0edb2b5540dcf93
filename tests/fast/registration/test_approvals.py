"""Sessions that require approval: the secretariat decides, then the ledger places."""

from __future__ import annotations

import pytest

from shared.contracts.registration.rpc import Registered, RegistrationAction
from tests.fast.registration.backends import Backend
from tests.fast.registration.support import open_session, refused, register, statuses

pytestmark = pytest.mark.fast


async def test_an_approved_registration_takes_a_seat_or_waits_like_any_other(
        backend: Backend) -> None:
    session_id = await open_session(backend, capacity=1, requires_approval=True)
    first = await register(backend, session_id, "first@example.org")
    second = await register(backend, session_id, "second@example.org")
    assert (first.status, second.status) == ("pending_approval", "pending_approval")
    approved = [await backend.call("approve", RegistrationAction(registration_id=r), Registered)
                for r in (first.registration_id, second.registration_id) if r is not None]
    assert [a.status for a in approved] == ["confirmed", "waitlisted"]
    assert len(await backend.events("registration.participant.pending", expected=2)) == 2
    confirmed = await backend.events("registration.participant.confirmed", expected=1)
    assert [e.data["registration_id"] for e in confirmed] == [first.registration_id]


async def test_a_rejection_needs_a_reason_and_tells_it(backend: Backend) -> None:
    session_id = await open_session(backend, requires_approval=True)
    pending = await register(backend, session_id, "ana@example.org")
    assert pending.registration_id is not None
    without_reason = RegistrationAction(registration_id=pending.registration_id)
    assert await refused(backend.call("reject", without_reason, Registered)) == "invalid"
    rejected = await backend.call("reject", RegistrationAction(
        registration_id=pending.registration_id, reason="Out of scope"), Registered)
    assert rejected.status == "rejected"
    assert await statuses(backend, session_id) == {"ana@example.org": "rejected"}
    told = await backend.events("registration.participant.rejected", expected=1)
    assert [e.data["reason"] for e in told] == ["Out of scope"]


async def test_a_decided_registration_cannot_be_approved_again(backend: Backend) -> None:
    session_id = await open_session(backend, requires_approval=True)
    pending = await register(backend, session_id, "ana@example.org")
    assert pending.registration_id is not None
    action = RegistrationAction(registration_id=pending.registration_id, reason="No")
    await backend.call("reject", action, Registered)
    assert await refused(backend.call("approve", action, Registered)) == "conflict"
    assert await statuses(backend, session_id) == {"ana@example.org": "rejected"}
