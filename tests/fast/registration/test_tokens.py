"""Acting with the token a participant was mailed: cancelling, and forged tokens."""

from __future__ import annotations

import pytest

from shared.contracts.registration.rpc import CancelByToken, Registered
from tests.fast.registration.backends import Backend
from tests.fast.registration.support import open_session, refused, register, statuses

pytestmark = pytest.mark.fast


async def test_the_mailed_cancel_link_cancels_once(backend: Backend) -> None:
    session_id = await open_session(backend, capacity=10)
    await register(backend, session_id, "ana@example.org")
    [mail] = await backend.events("registration.participant.confirmed")
    request = CancelByToken(token=mail.data["cancel_token"])
    first = await backend.call("cancel_by_token", request, Registered)
    again = await backend.call("cancel_by_token", request, Registered)
    assert (first.status, again.status) == ("cancelled", "cancelled")
    assert await statuses(backend, session_id) == {"ana@example.org": "cancelled"}
    told = await backend.events("registration.participant.cancelled", expected=1)
    assert [e.data["cancelled_by"] for e in told] == ["participant"]


async def test_a_forged_cancel_token_is_refused(backend: Backend) -> None:
    session_id = await open_session(backend, capacity=10)
    await register(backend, session_id, "ana@example.org")
    [mail] = await backend.events("registration.participant.confirmed")
    token = mail.data["cancel_token"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    code = await refused(backend.call("cancel_by_token", CancelByToken(token=forged),
                                      Registered))
    assert code == "forbidden"
    assert await statuses(backend, session_id) == {"ana@example.org": "confirmed"}
