"""Sessions other systems announce on `ingest.registration.<source>.session.v1` arrive as
drafts for the secretariat, are updated by a repeat only until the secretariat touches them,
and what cannot be a session is rejected back to its sender."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker

from services.gateway.keys import Role
from services.registration.domain.announcements import announced_event_id, announced_id
from shared.contracts.envelope import CloudEvent
from shared.contracts.registration.ingest import AnnouncedEvent, AnnouncedSession
from tests.support.polling import eventually
from tests.support.quiet import Settled
from tests.support.sessions import plain_session_body

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]
SOURCE = "webinar"


async def announce(bus: NatsBroker, data: dict[str, Any], *, subject_source: str = SOURCE,
                   event_id: str | None = None,
                   kind: type[AnnouncedSession | AnnouncedEvent] = AnnouncedSession) -> str:
    event_id = event_id or str(uuid.uuid4())
    subject = kind.subject_for(subject_source)
    event = CloudEvent(id=event_id, type=subject, source=f"urn:{subject_source}",
                       time=datetime.now(UTC), data=data)
    body, headers = event.to_nats()
    await bus.publish(body, subject, headers=headers, stream="INGEST")
    return event_id


def announcement(external_id: str, **changes: Any) -> dict[str, Any]:
    return {"source": SOURCE, "external_id": external_id,
            "fields": plain_session_body(**changes)}




async def test_an_announced_session_is_a_draft_until_the_secretariat_takes_it(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, bus_client: NatsBroker,
        settled: Settled) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    external = f"meeting-{uuid.uuid4().hex[:8]}"
    session_id = announced_id(SOURCE, external)
    first = await announce(bus_client, announcement(external, title={"en": "Announced"}))

    async def drafted() -> dict[str, Any] | None:
        answer = await gateway_http.get(f"/v1/sessions/{session_id}", headers=auth)
        return answer.json() if answer.status_code == 200 else None
    draft = await eventually(drafted, timeout=15, what="the announced draft")
    assert draft["status"] == "draft" and draft["title"] == {"en": "Announced"}
    assert draft["provenance"]["source"] == SOURCE
    assert draft["provenance"]["external_id"] == external
    assert draft["provenance"]["event_id"] == first
    # Never public: the public answer does not show a draft.
    assert (await gateway_http.get(f"/v1/sessions/{session_id}")).status_code == 404

    # A repeat while nobody else touched it rewrites the draft.
    await announce(bus_client, announcement(external, title={"en": "Announced again"}))
    await eventually(lambda: _title_is(gateway_http, auth, session_id, "Announced again"),
                     timeout=15, what="the draft updated by the repeat")

    # The secretariat edits it: from then on its version stands.
    edited = await gateway_http.patch(f"/v1/sessions/{session_id}", headers=auth,
                                      json={"title": {"en": "Reviewed"}})
    assert edited.status_code == 200, edited.text
    await announce(bus_client, announcement(external, title={"en": "Overwritten?"}))
    await settled()
    assert await _title_is(gateway_http, auth, session_id, "Reviewed")

    listed = await gateway_http.get("/v1/sessions", params={"drafts": "true"}, headers=auth)
    assert session_id in [item["id"] for item in listed.json()["items"]]
    assert (await gateway_http.get("/v1/sessions", params={"drafts": "true"})).status_code == 401
    published = await gateway_http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
    assert published.json()["status"] == "published"
    public = (await gateway_http.get(f"/v1/sessions/{session_id}")).json()
    assert public["provenance"] is None and public["join_url"] is None


async def _title_is(http: httpx.AsyncClient, auth: dict[str, str], session_id: str,
                    title: str) -> bool:
    answer = await http.get(f"/v1/sessions/{session_id}", headers=auth)
    return bool(answer.status_code == 200 and answer.json()["title"] == {"en": title})


async def test_what_cannot_be_a_session_is_rejected_to_its_sender(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, bus_client: NatsBroker,
        settled: Settled) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    js = bus_client.connection.jetstream()

    async def rejected_count() -> int:
        info = await js.stream_info("INGEST", subjects_filter="ingest.rejected.v1")
        return (info.state.subjects or {}).get("ingest.rejected.v1", 0)

    before = await rejected_count()
    backwards = announcement("backwards", starts_at="2030-01-01T10:00:00+00:00",
                             ends_at="2030-01-01T09:00:00+00:00")
    await announce(bus_client, backwards)  # a rule of the service: ends before it starts
    await announce(bus_client, {"source": SOURCE, "external_id": "x",
                                "fields": {"title": {"en": "t"}, "$where": "1"}})  # the contract
    await announce(bus_client, announcement("spoof"), subject_source="other")  # source mismatch
    await eventually(lambda: _at_least(rejected_count, before + 3), timeout=15,
                     what="three rejections")
    await settled()
    for external in ("backwards", "x", "spoof"):
        for source in (SOURCE, "other"):
            answer = await gateway_http.get(
                f"/v1/sessions/{announced_id(source, external)}", headers=auth)
            assert answer.status_code == 404


async def _at_least(count: Callable[[], Awaitable[int]], wanted: int) -> bool:
    return await count() >= wanted


async def test_an_announced_event_and_its_parts_arrive_as_drafts_in_any_order(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, bus_client: NatsBroker) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    external = f"seminar-{uuid.uuid4().hex[:8]}"
    event_id = announced_event_id(SOURCE, external)
    # The part first: it waits (retried) until its event has arrived.
    await announce(bus_client, announcement(f"{external}-day-1", event_id=event_id))
    await announce(bus_client, {"source": SOURCE, "external_id": external, "fields": {
        "kind": "seminar", "title": {"es": "Seminario anunciado"}}}, kind=AnnouncedEvent)

    async def with_its_part() -> dict[str, Any] | None:
        answer = await gateway_http.get(f"/v1/events/{event_id}", headers=auth)
        body: dict[str, Any] = answer.json()
        return body if answer.status_code == 200 and body["parts"] else None
    detail = await eventually(with_its_part, timeout=20, what="the event with its part")
    assert detail["event"]["status"] == "draft"
    assert detail["event"]["provenance"]["external_id"] == external
    assert [part["id"] for part in detail["parts"]] == [
        announced_id(SOURCE, f"{external}-day-1")]
    assert (await gateway_http.get(f"/v1/events/{event_id}")).status_code == 404
