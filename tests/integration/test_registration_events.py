"""Events with parts through the gateway (issue 14): the seed-003 seminar entered as written,
a series linking its editions, and registering once for a whole event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.gateway.keys import Role
from services.gateway.settings import GatewaySettings
from tests.support import assert_problem
from tests.support import seminar_2005 as seed
from tests.support.sessions import person, plain_session_body

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


async def _created(http: httpx.AsyncClient, auth: dict[str, str], path: str,
                   body: dict[str, Any], *, publish: bool = True) -> str:
    created = await http.post(path, json=body, headers=auth)
    assert created.status_code == 201, created.text
    made: str = created.json()["id"]
    if publish:
        published = await http.post(f"{path}/{made}/publish", headers=auth)
        assert published.status_code == 200, published.text
    return made


async def test_the_2005_seminar_as_the_seed_writes_it(
        gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    series = await _created(gateway_http, auth, "/v1/events", seed.SERIES)
    second = await _created(gateway_http, auth, "/v1/events",
                            {**seed.EDITION_II, "series_id": series})
    third = await _created(gateway_http, auth, "/v1/events",
                           {**seed.EDITION_III, "series_id": series})
    # Entered out of order: the answer puts the days in time order.
    days = {n: await _created(gateway_http, auth, "/v1/sessions", seed.day_session(third, n))
            for n in (2, 0, 3, 1)}

    page = await gateway_http.get(f"/v1/events/{third}", params={"lang": "en"})
    assert page.status_code == 200, page.text
    answer = page.json()
    event = answer["event"]
    assert [p["id"] for p in answer["parts"]] == [days[n] for n in range(4)]
    assert [p["starts_at"][:10] for p in answer["parts"]] == list(seed.DAYS)
    assert all(p["timezone"] == seed.TIMEZONE for p in answer["parts"])
    assert all(p["event_id"] == third for p in answer["parts"])
    assert [[block["key"] for block in p["agenda"]] for p in answer["parts"]] == [
        [block["key"] for block in agenda] for agenda in seed.agendas()]
    assert all(p["venue"]["city"] == "Santiago de Chile" for p in answer["parts"])
    assert [o.get("acronym") or o["name"] for o in event["organisers"]] == ["OEA",
                                                                              "Gobierno de Chile"]
    assert event["partners"][0]["agency"] == "CL"
    assert event["venue"]["city"] == "Santiago de Chile" and event["venue"]["country"] == "CL"
    assert (event["starts_on"], event["ends_on"]) == ("2005-06-20", "2005-06-23")
    assert event["edition"] == {"number": 3, "label": "III"} and event["series_id"] == series
    assert len(event["agreements"]) == 2 and "PYMEs" in event["agreements"][0]["es"]
    assert answer["title_text"] == seed.EDITION_III["title"]["en"]
    assert answer["editions"] == [{
        "id": second, "title": seed.EDITION_II["title"], "edition": {"number": 2, "label": "II"},
        "starts_on": "2004-09-01", "ends_on": "2004-09-30", "date_precision": "month",
        "city": "Sao Paulo", "country": "BR"}]
    reported = answer["statistics"]["reported"]
    assert reported == {"participants": 38, "countries": seed.REPORTED_COUNTRIES,
                        "institutions": 2}
    assert len(set(reported["countries"])) == 18
    assert answer["statistics"]["registered"] == 0 and answer["statistics"]["parts"] == 4

    # The series lists its editions in order; the earlier edition links the later one.
    of_series = (await gateway_http.get(f"/v1/events/{series}")).json()
    assert [e["id"] for e in of_series["editions"]] == [second, third]
    assert [e["id"] for e in (await gateway_http.get(f"/v1/events/{second}")).json()
            ["editions"]] == [third]
    listed = (await gateway_http.get("/v1/events")).json()
    assert {series, second, third} <= {e["id"] for e in listed["items"]}


async def test_registering_for_a_whole_event_registers_in_every_part(
        gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    whole = await _created(gateway_http, auth, "/v1/events", {
        "kind": "course", "title": {"en": "Two-day course"}, "registration": "whole_event"})
    starts = datetime.now(UTC) + timedelta(days=20)

    def part(day: int, capacity: int) -> dict[str, Any]:
        begins = starts + timedelta(days=day)
        return plain_session_body(event_id=whole, capacity=capacity,
                                  starts_at=begins.isoformat(),
                                  ends_at=(begins + timedelta(hours=3)).isoformat())

    second_day = await _created(gateway_http, auth, "/v1/sessions", part(1, 5))
    first_day = await _created(gateway_http, auth, "/v1/sessions", part(0, 1))
    draft_part = await _created(gateway_http, auth, "/v1/sessions", part(2, 5), publish=False)

    ana = await gateway_http.post(f"/v1/events/{whole}/registrations", json=person())
    assert ana.status_code == 201, ana.text
    outcome = [(p["session_id"], p["status"]) for p in ana.json()["parts"]]
    assert outcome == [(first_day, "confirmed"), (second_day, "confirmed")]  # no draft part
    # The first day is full: its own rule waitlists the next person there, only there.
    ben = await gateway_http.post(f"/v1/events/{whole}/registrations",
                                  json=person("ben@example.org", name="Ben"))
    assert [(p["status"], p["waitlist_position"]) for p in ben.json()["parts"]] == [
        ("waitlisted", 1), ("confirmed", None)]
    again = (await gateway_http.post(f"/v1/events/{whole}/registrations",
                                     json=person())).json()
    assert [p["created"] for p in again["parts"]] == [False, False]  # owner mailed instead
    assert "registration_id" not in str([p for p in again["parts"] if p["registration_id"]])

    # A part of a whole event is not registered for alone: a 409 naming the event.
    direct = await gateway_http.post(f"/v1/sessions/{second_day}/registrations",
                                     json=person("cy@example.org"))
    assert_problem(direct, 409)
    assert direct.json()["event_id"] == whole
    stats = (await gateway_http.get(f"/v1/events/{whole}")).json()["statistics"]
    assert (stats["registered"], stats["countries"], stats["by_country"]) == (2, 1,
                                                                              {"PA": None})
    drafts = (await gateway_http.get(f"/v1/events/{whole}", headers=auth)).json()
    assert draft_part in [p["id"] for p in drafts["parts"]]


async def test_what_events_refuse(gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    per_part = await _created(gateway_http, auth, "/v1/events",
                              {"kind": "seminar", "title": {"es": "Seminario"}})
    assert_problem(await gateway_http.post(f"/v1/events/{per_part}/registrations",
                                           json=person()), 409)

    unknown = await gateway_http.post("/v1/sessions", headers=auth,
                                      json=plain_session_body(event_id="no-such-event"))
    assert_problem(unknown, 422)
    assert unknown.json()["errors"][0]["field"] == "event_id"
    session = await _created(gateway_http, auth, "/v1/sessions", plain_session_body())
    moved = await gateway_http.patch(f"/v1/sessions/{session}", headers=auth,
                                     json={"event_id": "no-such-event"})
    assert_problem(moved, 422)

    not_a_series = await gateway_http.post("/v1/events", headers=auth, json={
        "kind": "seminar", "title": {"en": "x"}, "series_id": per_part,
        "edition": {"number": 1}})
    assert_problem(not_a_series, 422)
    assert not_a_series.json()["errors"][0]["field"] == "series_id"
    draft = await _created(gateway_http, auth, "/v1/events",
                           {"kind": "seminar", "title": {"en": "Draft"}}, publish=False)
    assert_problem(await gateway_http.get(f"/v1/events/{draft}"), 404)
    assert (await gateway_http.get(f"/v1/events/{draft}", headers=auth)).status_code == 200
    listed = await gateway_http.get("/v1/events", params={"drafts": "true"}, headers=auth)
    assert draft in [item["id"] for item in listed.json()["items"]]
    assert draft not in [item["id"] for item in (await gateway_http.get("/v1/events")).json()
                         ["items"]]
    assert_problem(await gateway_http.get("/v1/events", params={"drafts": "true"}), 401)
    assert_problem(await gateway_http.get("/v1/events/bad.id"), 404)
    public = await gateway_http.post("/v1/events", json={"kind": "seminar",
                                                         "title": {"en": "x"}})
    assert_problem(public, 401)
