"""The registration routes through the gateway: sessions, registering, bad input, tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.gateway.keys import Role
from services.gateway.settings import GatewaySettings
from services.registration.domain.invitations import INVITE_ACTION
from services.registration.events import CANCEL_ACTION
from shared.settings import Settings
from shared.tokens import Signer
from tests.support import assert_problem
from tests.support.sessions import new_session, person, session_body

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    """The usual test settings, with room for many requests from one client."""
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


async def test_a_session_from_draft_to_registrations(
        gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    key = await make_key("secretariat")
    auth = {"Authorization": f"Bearer {key}"}
    session_id = await new_session(gateway_http, key, publish=False)
    assert (await gateway_http.get(f"/v1/sessions/{session_id}")).status_code == 404
    await gateway_http.post(f"/v1/sessions/{session_id}/publish", headers=auth)

    public = (await gateway_http.get(f"/v1/sessions/{session_id}")).json()
    assert public["seats_left"] == 2 and public["join_url"] is None
    listed = (await gateway_http.get("/v1/sessions", params={"topic": "open_data"})).json()
    assert [s["id"] for s in listed["items"]] == [session_id]
    assert "very-secret" not in str(listed)
    none = (await gateway_http.get("/v1/sessions", params={"format": "course"})).json()
    assert none["items"] == []

    first = await gateway_http.post(f"/v1/sessions/{session_id}/registrations", json=person())
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "confirmed" and "very-secret" not in first.text
    again = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                    json=person("  ANA@Example.org "))
    assert again.status_code == 202, again.text  # and nothing about the registration:
    assert set(again.json()) == {"mailed", "detail"} and again.json()["mailed"] is True
    assert first.json()["registration_id"] not in again.text
    for n in (2, 3):
        await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                json=person(f"p{n}@example.org"))
    waiting = (await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                      params={"status": "waitlisted"}, headers=auth)).json()
    assert [r["waitlist_position"] for r in waiting["items"]] == [1]

    # Lowering capacity below the confirmed count needs force; raising it promotes.
    lower = await gateway_http.patch(f"/v1/sessions/{session_id}", json={"capacity": 1},
                                     headers=auth)
    assert_problem(lower, 409)
    raised = await gateway_http.patch(f"/v1/sessions/{session_id}", json={"capacity": 3},
                                      headers=auth)
    assert raised.json()["confirmed"] == 3 and raised.json()["waiting"] == 0
    forced = await gateway_http.patch(f"/v1/sessions/{session_id}", json={"capacity": 1},
                                      params={"force": "true"}, headers=auth)
    assert forced.json()["confirmed"] == 3 and forced.json()["seats_left"] == 0  # nobody out
    soon = (datetime.now(UTC) + timedelta(days=9)).isoformat()
    after = await gateway_http.get("/v1/sessions", params={"from": soon})
    before = await gateway_http.get("/v1/sessions", params={"to": soon})
    assert len(after.json()["items"]) == 1 and before.json()["items"] == []
    for path in ("/v1/sessions", "/v1/stats/registration"):  # no timestamp read as a date
        assert_problem(await gateway_http.get(path, params={"to": "0.5"}), 400)
    assert_problem(await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                          params={"cursor": "not-ours"}, headers=auth), 400)
    assert_problem(await gateway_http.get("/v1/sessions", params={"topic": "cooking"}), 400)

    csv = await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                 headers={**auth, "Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == 4 and "ana@example.org" in csv.text
    page = (await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                   params={"limit": 2}, headers=auth)).json()
    rest = (await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                   params={"limit": 2, "cursor": page["next_cursor"]},
                                   headers=auth)).json()
    assert len(page["items"]) == 2 and len(rest["items"]) == 1


async def test_reschedule_and_calendar(gateway_http: httpx.AsyncClient,
                                       make_key: MakeKey) -> None:
    key = await make_key("secretariat")
    session_id = await new_session(gateway_http, key)
    ics = await gateway_http.get(f"/v1/sessions/{session_id}/calendar.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert f"UID:session-{session_id}@dialogues.ingp" in ics.text and "SEQUENCE:0" in ics.text
    later = datetime.now(UTC) + timedelta(days=20)
    moved = await gateway_http.patch(
        f"/v1/sessions/{session_id}", headers={"Authorization": f"Bearer {key}"},
        json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()})
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == 1
    ics = await gateway_http.get(f"/v1/sessions/{session_id}/calendar.ics")
    assert f"UID:session-{session_id}@dialogues.ingp" in ics.text and "SEQUENCE:1" in ics.text


BAD_REGISTRATIONS: list[tuple[dict[str, Any], str]] = [
    ({"country": "ZZ"}, "country"),
    ({"preferred_language": "de"}, "preferred_language"),
    ({"sector": "military"}, "sector"),
    ({"consent": False}, "consent"),
    ({"email": "not-an-address"}, "email"),
    ({"gender": "unknown"}, "gender"),
    ({"email": {"$gt": ""}}, "email"),
    ({"$where": "1"}, "$where"),
    ({"institution": {"a.b": 1}}, "institution"),
    ({"extra": 1}, "extra"),
]


async def test_bad_registrations_get_422_naming_the_field(
        gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    session_id = await new_session(gateway_http, await make_key("secretariat"))
    for change, field in BAD_REGISTRATIONS:
        answer = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                         json=person(**change))
        body = assert_problem(answer, 422)
        assert field in str(body["errors"]), (change, body)
    assert_problem(await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                           content=b"[1, 2]"), 422)
    listed = await gateway_http.get(f"/v1/sessions/{session_id}")
    assert listed.json()["confirmed"] == 0  # none of them reached the service


async def test_closed_cancelled_and_started_sessions_refuse_with_409(
        gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    key = await make_key("secretariat")
    not_yet = await new_session(gateway_http, key, registration_opens_at=(
        datetime.now(UTC) + timedelta(days=1)).isoformat())
    answer = await gateway_http.post(f"/v1/sessions/{not_yet}/registrations", json=person())
    assert "not open yet" in str(assert_problem(answer, 409)["detail"])

    closed = await new_session(gateway_http, key, registration_closes_at=(
        datetime.now(UTC) - timedelta(minutes=1)).isoformat())
    answer = await gateway_http.post(f"/v1/sessions/{closed}/registrations", json=person())
    assert "closed" in str(assert_problem(answer, 409)["detail"])

    past = datetime.now(UTC) - timedelta(hours=1)
    started = await new_session(gateway_http, key, starts_at=past.isoformat(),
                                ends_at=(past + timedelta(hours=3)).isoformat())
    answer = await gateway_http.post(f"/v1/sessions/{started}/registrations", json=person())
    assert "started" in str(assert_problem(answer, 409)["detail"])

    cancelled = await new_session(gateway_http, key)
    done = await gateway_http.post(f"/v1/sessions/{cancelled}/cancel",
                                   json={"reason": "speaker ill"},
                                   headers={"Authorization": f"Bearer {key}"})
    assert done.json()["status"] == "cancelled"
    answer = await gateway_http.post(f"/v1/sessions/{cancelled}/registrations", json=person())
    assert "cancelled" in str(assert_problem(answer, 409)["detail"])
    assert_problem(await gateway_http.post("/v1/sessions/nope/registrations", json=person()),
                   404)


async def test_session_input_is_checked(gateway_http: httpx.AsyncClient,
                                        make_key: MakeKey) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    for change, field in [({"timezone": "Mars/Olympus"}, "timezone"),
                          ({"format": "party"}, "format"), ({"title": {"de": "x"}}, "title"),
                          ({"capacity": 0}, "capacity"),
                          ({"starts_at": "2030-01-01T10:00:00"}, "starts_at")]:
        answer = await gateway_http.post("/v1/sessions", json=session_body(**change),
                                         headers=auth)
        assert field in str(assert_problem(answer, 422)), change
    assert_problem(await gateway_http.post("/v1/sessions", json=session_body()), 401)
    editor = {"Authorization": f"Bearer {await make_key('editor')}"}
    assert_problem(await gateway_http.post("/v1/sessions", json=session_body(),
                                           headers=editor), 403)


async def test_cancel_with_a_mailed_token(gateway_http: httpx.AsyncClient,
                                          make_key: MakeKey, settings: Settings) -> None:
    key = await make_key("secretariat")
    session_id = await new_session(gateway_http, key, capacity=1)
    first = (await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                     json=person())).json()
    second = (await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                      json=person("b@example.org"))).json()
    assert second["status"] == "waitlisted"
    signer, now = Signer(settings.token_secret), datetime.now(UTC)
    token = signer.issue(first["registration_id"], CANCEL_ACTION, now=now,
                         ttl=timedelta(days=1))
    expired = signer.issue(first["registration_id"], CANCEL_ACTION,
                           now=now - timedelta(days=2), ttl=timedelta(days=1))
    assert_problem(await gateway_http.post("/v1/registrations/cancel",
                                           json={"token": token[:-2] + "xx"}), 403)
    assert_problem(await gateway_http.post("/v1/registrations/cancel",
                                           json={"token": expired}), 410)
    assert (await gateway_http.get("/v1/registrations/cancel",
                                   params={"token": token})).status_code in (404, 405)
    done = await gateway_http.post("/v1/registrations/cancel", json={"token": token})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    rows = (await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                   headers={"Authorization": f"Bearer {key}"})).json()
    assert {r["id"]: r["status"] for r in rows["items"]} == {
        first["registration_id"]: "cancelled", second["registration_id"]: "confirmed"}


async def test_approval_flow(gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    key = await make_key("secretariat")
    auth = {"Authorization": f"Bearer {key}"}
    session_id = await new_session(gateway_http, key, requires_approval=True)
    ids = []
    for n in range(2):
        answer = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                         json=person(f"x{n}@example.org"))
        assert answer.json()["status"] == "pending_approval"
        ids.append(answer.json()["registration_id"])
    approved = await gateway_http.post(f"/v1/registrations/{ids[0]}/approve", headers=auth)
    assert approved.json()["status"] == "confirmed"
    assert_problem(await gateway_http.post(f"/v1/registrations/{ids[0]}/approve",
                                           headers=auth), 409)
    assert_problem(await gateway_http.post(f"/v1/registrations/{ids[1]}/reject", json={},
                                           headers=auth), 422)
    rejected = await gateway_http.post(f"/v1/registrations/{ids[1]}/reject",
                                       json={"reason": "not eligible"}, headers=auth)
    assert rejected.json()["status"] == "rejected"
    cancelled = await gateway_http.post(f"/v1/registrations/{ids[0]}/cancel", headers=auth)
    assert cancelled.json()["status"] == "cancelled"


async def test_invite_only_sessions_need_an_invitation(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, settings: Settings) -> None:
    key = await make_key("secretariat")
    session_id = await new_session(gateway_http, key, visibility="invite_only")
    other_id = await new_session(gateway_http, key, visibility="invite_only")
    listed = (await gateway_http.get("/v1/sessions")).json()
    assert session_id not in {s["id"] for s in listed["items"]}
    url = f"/v1/sessions/{session_id}/registrations"
    assert_problem(await gateway_http.post(url, json=person()), 403)
    token = await invitation_token(gateway_http, key, session_id, settings)
    foreign = await invitation_token(gateway_http, key, other_id, settings)
    assert_problem(await gateway_http.post(url, json=person(invitation_token=foreign)), 403)
    answer = await gateway_http.post(url, json=person(invitation_token=token))
    assert answer.status_code == 201 and answer.json()["status"] == "confirmed"


async def invitation_token(http: httpx.AsyncClient, key: str, session_id: str,
                           settings: Settings) -> str:
    """Invite someone; the personal token their mail carries (signed here as the service
    does: the mail itself is tested in test_secretariat_desk.py)."""
    invited = await http.post(f"/v1/sessions/{session_id}/invitations",
                              headers={"Authorization": f"Bearer {key}"},
                              json={"invitees": [{"name": "Ana", "email": "ana@example.org"}]})
    assert invited.status_code == 200, invited.text
    return Signer(settings.token_secret).issue(invited.json()["items"][0]["id"], INVITE_ACTION,
                                               now=datetime.now(UTC), ttl=timedelta(days=1))
