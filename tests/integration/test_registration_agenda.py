"""A session as the network holds it, through the gateway: the SELA special panel of the agenda
seed entered as written and answered back, moved a day with its agenda, and bad agendas
refused with a 422 naming the field."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.gateway.keys import Role
from tests.support import assert_problem, sela_panel

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def slot_times(session: dict[str, Any]) -> dict[str, tuple[datetime, datetime]]:
    return {slot["key"]: (utc(slot["starts_at"]), utc(slot["ends_at"]))
            for block in session["agenda"] for slot in block["slots"]}


def expected_times(days: int = 0) -> dict[str, tuple[datetime, datetime]]:
    def at(hhmm: str) -> datetime:
        return utc(f"{sela_panel.DAY}T{hhmm}:00+00:00") + timedelta(days=days)
    return {key: (at(start), at(end)) for key, (start, end) in sela_panel.SLOT_TIMES_UTC.items()}


def parts(session: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {slot["key"]: [(p["person"], p["role"]) for p in slot["people"]]
            for block in session["agenda"] for slot in block["slots"]}


async def test_the_sela_panel_is_answered_as_entered_and_moves_with_its_agenda(
        gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    created = await gateway_http.post("/v1/sessions", json=sela_panel.panel(), headers=auth)
    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    published = await gateway_http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
    assert published.status_code == 200, published.text

    got = (await gateway_http.get(f"/v1/sessions/{session_id}")).json()
    assert slot_times(got) == expected_times()
    assert got["agenda"][0]["slots"][0]["starts_at"].startswith("2022-11-24T16:30:00")
    assert [b["key"] for b in got["agenda"]] == [
        "opening", "scope", "regional-experiences", "closing"]
    assert got["agenda"][2]["title"]["en"] == (
        "Regional experiences: technologies applied in public procurement processes")
    assert parts(got) == {
        "presentation-of-speakers": [("jean-paul-guevara", "speaker"),
                                     ("clarems-endara", "coordinator")],
        "scope-1": [], "scope-2": [("natalia-tanno", "speaker")],
        "regional-1": [], "regional-2": [], "regional-3": [],
        "questions-and-closing": [("clarems-endara", "coordinator")]}
    people = {p["key"]: p for p in got["people"]}
    assert people["clarems-endara"]["title"] == "Ambassador, Permanent Secretary"
    assert people["natalia-tanno"]["bio"]["es"] == (
        "Abogada y especialista en contratación pública.")
    assert people["jean-paul-guevara"]["institution"] == sela_panel.SELA
    assert got["venue"] == {"mode": "in_person", "address": None, "city": "Sucre",
                            "country": "BO", "room": "Room 3",
                            "place": "International Convention and Cultural Centre (CICC)"}
    assert got["parent_event"]["url"] == "https://clad.org"
    assert got["parent_event"]["name"]["en"].startswith("XXVII International Congress of CLAD")
    assert got["organisers"][0]["acronym"] == "SELA"
    assert got["rationale"]["en"] == sela_panel.RATIONALE_EN
    assert got["rationale"]["es"] == sela_panel.RATIONALE_ES
    assert got["objectives"] == sela_panel.OBJECTIVES and len(got["objectives"]) == 6
    assert got["keywords"] == sela_panel.KEYWORDS
    assert (got["starts_at"], got["timezone"]) == ("2022-11-24T16:30:00Z", "America/La_Paz")
    assert got["join_url"] is None

    day_later = {"starts_at": "2022-11-25T12:30:00-04:00", "ends_at": "2022-11-25T14:00:00-04:00"}
    moved = await gateway_http.patch(f"/v1/sessions/{session_id}", json=day_later, headers=auth)
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == 1
    again = (await gateway_http.get(f"/v1/sessions/{session_id}")).json()
    assert slot_times(again) == expected_times(days=1)
    assert parts(again) == parts(got)


def with_slot(block: int, slot: int, **changes: Any) -> dict[str, Any]:
    """The panel with one slot changed."""
    body = sela_panel.panel()
    body["agenda"] = copy.deepcopy(body["agenda"])
    body["agenda"][block]["slots"][slot].update(changes)
    return body


BAD_PANELS: list[tuple[str, dict[str, Any], str]] = [
    ("overlapping slot", with_slot(1, 1, starts_at="2022-11-24T12:45"),
     "agenda.1.slots.1.starts_at"),
    ("slot before the session", with_slot(0, 0, starts_at="2022-11-24T12:00"),
     "agenda.0.slots.0.starts_at"),
    ("slot after the session", with_slot(3, 0, ends_at="2022-11-24T14:10"),
     "agenda.3.slots.0.ends_at"),
    ("undeclared person", with_slot(1, 0, people=[{"person": "nobody", "role": "speaker"}]),
     "agenda.1.slots.0.people.0.person"),
    ("in person without a city", {**sela_panel.panel(), "venue": {
        "mode": "in_person", "place": "CICC", "country": "BO"}}, "venue.city"),
    ("agency of no member state", {**sela_panel.panel(), "partners": [{"agency": "FR"}]},
     "partners.0.agency"),
    # Faults the contract finds in the gateway read the same way:
    ("threshold over 100%", {**sela_panel.panel(), "certificate_threshold": 150},
     "certificate_threshold"),
    ("unknown slot kind", with_slot(2, 0, kind="keynote"), "agenda.2.slots.0.kind"),
]


@pytest.mark.parametrize(("case", "body", "field"), BAD_PANELS,
                         ids=[case for case, _, _ in BAD_PANELS])
async def test_a_bad_panel_gets_a_422_naming_the_field(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, case: str, body: dict[str, Any],
        field: str) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    answer = await gateway_http.post("/v1/sessions", json=body, headers=auth)
    problem = assert_problem(answer, 422)
    errors: list[dict[str, Any]] = problem["errors"]  # type: ignore[assignment]
    assert [e["field"] for e in errors] == [field], (case, problem)
    assert errors[0]["message"], problem


async def test_a_move_that_leaves_slots_outside_is_refused_naming_the_slot(
        gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    created = await gateway_http.post("/v1/sessions", json=sela_panel.panel(), headers=auth)
    session_id = created.json()["id"]
    shorter = await gateway_http.patch(f"/v1/sessions/{session_id}", headers=auth,
                                       json={"ends_at": "2022-11-24T13:55:00-04:00"})
    problem = assert_problem(shorter, 422)
    assert [e["field"] for e in problem["errors"]] == [  # type: ignore[attr-defined]
        "agenda.3.slots.0.ends_at"]
