"""Places held until the address is confirmed from the mail, and holds that lapse."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.contracts.registration.rpc import ConfirmByToken, Registered
from tests.fast.registration.backends import Backend
from tests.fast.registration.support import open_session, register, statuses

pytestmark = pytest.mark.fast


async def test_a_held_seat_is_confirmed_with_the_mailed_link(backend: Backend) -> None:
    session_id = await open_session(backend, capacity=5, hold_until_confirmed=True)
    held = await register(backend, session_id, "ana@example.org")
    assert held.status == "awaiting_confirmation" and held.confirm_by is not None
    [mail] = await backend.events("registration.participant.awaiting_confirmation")
    # The seat is held, but the join link goes only to a confirmed address.
    assert mail.data["holds"] == "seat" and mail.data["session"]["join_url"] is None
    confirmed = await backend.call("confirm_by_token",
                                   ConfirmByToken(token=mail.data["confirm_token"]), Registered)
    assert confirmed.status == "confirmed"
    [seat] = await backend.events("registration.participant.confirmed")
    assert seat.data["session"]["join_url"] == "https://meet.example.org/secret"


async def test_a_lapsed_hold_expires_and_its_seat_goes_to_the_first_waiting(
        backend: Backend) -> None:
    session_id = await open_session(backend, capacity=1, hold_until_confirmed=True,
                                    confirmation_minutes=30)
    await register(backend, session_id, "late@example.org")
    waiter = await register(backend, session_id, "waiter@example.org")
    [_, waiter_mail] = await backend.events(
        "registration.participant.awaiting_confirmation", expected=2)
    await backend.call("confirm_by_token",
                       ConfirmByToken(token=waiter_mail.data["confirm_token"]), Registered)
    backend.clock.advance(timedelta(minutes=31))
    await backend.sweep()
    assert await statuses(backend, session_id) == {
        "late@example.org": "expired", "waiter@example.org": "confirmed"}
    expired = await backend.events("registration.participant.expired", expected=1)
    assert len(expired) == 1
    promoted = await backend.events("registration.participant.promoted", expected=1)
    assert [e.data["registration_id"] for e in promoted] == [waiter.registration_id]
