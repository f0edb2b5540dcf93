"""Attendance (HTTP and the ingest subject), no-shows, statistics and retention."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from faststream.nats import NatsBroker

from services.gateway.keys import Role
from services.gateway.settings import GatewaySettings
from services.registration.bootstrap import deps_of
from services.registration.handlers.attendance import anonymize_past, mark_no_shows
from shared.contracts.envelope import CloudEvent
from shared.service import RunningService
from tests.support.polling import eventually
from tests.support.sessions import new_session, person

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


async def publish_ingest(bus: NatsBroker, data: object) -> None:
    event = CloudEvent(id=str(uuid.uuid4()), type="ingest.registration.attendance.v1",
                       source="webinar-platform", time=datetime.now(UTC), data=data)
    body, headers = event.to_nats()
    await bus.publish(body, "ingest.registration.attendance.v1", headers=headers,
                      stream="INGEST")


async def count_on(bus: NatsBroker, stream: str, subject: str) -> int:
    info = await bus.connection.jetstream().stream_info(stream, subjects_filter=subject)
    return (info.state.subjects or {}).get(subject, 0)


async def test_attendance_no_shows_statistics_and_retention(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, bus_client: NatsBroker,
        running_services: dict[str, RunningService]) -> None:
    key = await make_key("secretariat")
    auth = {"Authorization": f"Bearer {key}"}
    session_id = await new_session(gateway_http, key, capacity=20)
    ids = []
    for n in range(7):
        country = "CL" if n == 6 else "PA"
        answer = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                         json=person(f"a{n}@example.org", country=country))
        ids.append(answer.json()["registration_id"])
    # The session takes place: move it into the past.
    past = datetime.now(UTC) - timedelta(hours=3)
    moved = await gateway_http.patch(
        f"/v1/sessions/{session_id}", headers=auth,
        json={"starts_at": past.isoformat(), "ends_at": (past + timedelta(hours=1)).isoformat()})
    assert moved.status_code == 200, moved.text

    recorded = await gateway_http.post(
        f"/v1/sessions/{session_id}/attendance", headers=auth,
        json={"attendees": [{"email": " A0@example.org", "minutes": 55},
                            {"email": "nobody@example.org", "minutes": 3}]})
    assert recorded.json() == {"recorded": 1, "unknown": 1, "unmatched": [
        {"row": 2, "reason": "no_registration"}]}
    assert_422 = await gateway_http.post(f"/v1/sessions/{session_id}/attendance", headers=auth,
                                         json={"attendees": [{"email": "x", "minutes": -1}]})
    assert assert_422.status_code == 422

    await publish_ingest(bus_client, {"session_id": session_id,
                                      "attendees": [{"registration_id": ids[1], "minutes": 40}]})
    await publish_ingest(bus_client, {"session_id": session_id, "attendees": "not a list"})
    async def applied_and_rejected() -> bool:
        rows = (await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                       headers=auth)).json()["items"]
        rejected = await count_on(bus_client, "INGEST", "ingest.rejected.v1")
        return sum(r["attendance"] == "attended" for r in rows) == 2 and rejected == 1

    await eventually(applied_and_rejected, 10, "two attended and one batch rejected",
                     interval=0.1)

    deps = deps_of(running_services["registration"].runtime)
    assert await mark_no_shows(deps, datetime.now(UTC)) == 5
    assert await mark_no_shows(deps, datetime.now(UTC)) == 0  # once

    stats = (await gateway_http.get("/v1/stats/registration")).json()
    assert stats["sessions_held"] == 1 and stats["participants"] == 7
    assert stats["countries"] == 2
    assert stats["by_country"] == {"CL": None, "PA": 6}  # a cell under 5 is suppressed
    assert stats["by_format"] == {"panel": 7}
    assert_forbidden = await gateway_http.get("/v1/stats/registration",
                                              params={"session_id": session_id})
    assert assert_forbidden.status_code == 401
    filtered = await gateway_http.get("/v1/stats/registration", headers=auth,
                                      params={"session_id": "other"})
    assert filtered.json()["participants"] == 0

    assert await anonymize_past(deps, datetime.now(UTC), timedelta(0)) == 7
    # Noted done: later sweeps no longer read its registrations.
    assert session_id not in {s["_id"] for s in await deps.store.sessions_to_anonymize(
        datetime.now(UTC))}
    rows = (await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                   headers=auth)).json()["items"]
    assert {r["email"] for r in rows} == {None} and {r["name"] for r in rows} == {None}
    assert (await gateway_http.get("/v1/stats/registration")).json() == stats
