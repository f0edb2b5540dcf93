"""Someone who cancelled registers again through the gateway: a new registration each time,
with its own events, and the seat ledger exact throughout."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker

from services.gateway.keys import Role
from tests.integration.registration_bus import events_on, stream_messages
from tests.support.quiet import Settled

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]


def person(email: str) -> dict[str, Any]:
    return {"name": "Ana", "email": email, "country": "UY", "institution": "ARCE",
            "sector": "government", "job_title": "Analyst", "preferred_language": "es",
            "consent": True}


async def one_seat(http: httpx.AsyncClient, auth: dict[str, str]) -> str:
    starts = datetime.now(UTC) + timedelta(days=5)
    created = await http.post("/v1/sessions", headers=auth, json={
        "title": {"es": "Compras"}, "format": "webinar", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(), "timezone": "America/Montevideo",
        "languages": ["es"], "capacity": 1})
    session_id: str = created.json()["id"]
    assert (await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)).is_success
    return session_id


async def test_someone_who_cancelled_registers_again(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, bus_client: NatsBroker,
        settled: Settled) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    session_id = await one_seat(gateway_http, auth)
    url = f"/v1/sessions/{session_id}/registrations"

    async def register(email: str) -> dict[str, Any]:
        answer = await gateway_http.post(url, json=person(email))
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def cancel(registration_id: str) -> None:
        done = await gateway_http.post(f"/v1/registrations/{registration_id}/cancel",
                                       headers=auth)
        assert done.json()["status"] == "cancelled", done.text

    async def ledger() -> tuple[dict[str, str], int, int]:
        rows = (await gateway_http.get(url, headers=auth)).json()["items"]
        session = (await gateway_http.get(f"/v1/sessions/{session_id}")).json()
        return {r["id"]: r["status"] for r in rows}, session["confirmed"], session["waiting"]

    first = await register("ana@example.org")
    bea = await register("bea@example.org")
    assert (first["status"], bea["status"]) == ("confirmed", "waitlisted")
    await cancel(first["registration_id"])
    again = await register("  ANA@example.org")  # the same address, as typed again
    assert again["status"] == "waitlisted"  # behind bea, who took the seat
    assert again["registration_id"] != first["registration_id"]
    assert await ledger() == ({first["registration_id"]: "cancelled",
                               bea["registration_id"]: "confirmed",
                               again["registration_id"]: "waitlisted"}, 1, 1)

    await cancel(bea["registration_id"])
    await cancel(first["registration_id"])  # the old registration: changes nothing
    assert await ledger() == ({first["registration_id"]: "cancelled",
                               bea["registration_id"]: "cancelled",
                               again["registration_id"]: "confirmed"}, 1, 0)
    await cancel(again["registration_id"])
    third = await register("ana@example.org")
    assert third["status"] == "confirmed" and third["registration_id"] not in (
        first["registration_id"], again["registration_id"])
    statuses, confirmed, waiting = await ledger()
    assert (confirmed, waiting) == (1, 0) and len(statuses) == 4

    # Each attempt is announced under its own ids, so none is dropped as a duplicate.
    ana = [first, again, third]
    kinds = [["Confirmed", "Cancelled"], ["Waitlisted", "Promoted", "Cancelled"],
             ["Confirmed"]]
    expected = {f"{reg['registration_id']}-Participant{kind}": 1
                for reg, of in zip(ana, kinds, strict=True) for kind in of}
    await events_on(bus_client, "registration.participant.>", len(expected) + 3,  # and bea's
                    settled)
    seen = Counter((message.headers or {})["ce-id"] for message in await stream_messages(
        bus_client, "registration.participant.>"))
    assert {key: n for key, n in seen.items()
            if key.split("-")[0] != bea["registration_id"]} == expected
