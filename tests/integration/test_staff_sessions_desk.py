"""The secretariat's sessions desk over real HTTP, with registration and notify on the real
servers and mail through a real SMTP server: the forms create, edit, publish, reschedule,
mail, announce, invite and cancel, and the services show each outcome.

One test on one started stack, in steps (the stack is the cost; each step is milliseconds)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from litestar import Litestar

from services.gateway.keys import Role
from services.notify.settings import SmtpSettings
from tests.integration.notify_support import SmtpServer, smtp_settings_for
from tests.integration.site_support import hidden_fields, text_of
from tests.integration.staff_support import cookie_header, csrf_token, session_of
from tests.support import eventually
from tests.support.quiet import Settled
from tests.support.sessions import person

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]
ZONE = "America/Panama"


@pytest.fixture
def smtp_settings(smtp: SmtpServer) -> SmtpSettings:
    return smtp_settings_for(smtp)


class Desk:
    """A signed-in secretariat browser: pages with its cookie, forms with its CSRF token."""

    def __init__(self, http: httpx.AsyncClient, session: str, token: str) -> None:
        self.http, self.session, self.token = http, session, token

    def headers(self) -> dict[str, str]:
        return {**cookie_header(self.http, self.session), "Accept-Language": "en"}

    async def get(self, path: str, expect: int = 200, **params: str) -> str:
        page = await self.http.get(path, params=params or None,
                                   headers=self.headers())
        assert page.status_code == expect, (path, page.status_code, text_of(page.text)[:600])
        return page.text

    async def post(self, path: str, data: dict[str, Any], status: int = 303) -> httpx.Response:
        sent = await self.http.post(path, data={"_csrf_token": self.token, **data},
                                    headers=self.headers())
        assert sent.status_code == status, (path, sent.status_code, text_of(sent.text)[:600])
        return sent


def wall_clock(moment: datetime) -> str:
    """A time as a `datetime-local` input holds it, in the sessions' zone."""
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def session_form(title: str, starts: datetime, **changes: Any) -> dict[str, Any]:
    return {"title_es": title, "title_en": f"{title} (en)", "format": "webinar",
            "topics": ["open_data"], "timezone": ZONE, "starts_at": wall_clock(starts),
            "ends_at": wall_clock(starts + timedelta(hours=2)), "languages": ["es", "en"],
            "capacity": "5", "visibility": "public", "join_url": "https://meet.example.org/d",
            **changes}


async def test_the_secretariat_runs_a_session_from_the_desk(
    gateway_http: httpx.AsyncClient, gateway_app: Litestar, make_key: MakeKey,
    smtp: SmtpServer, settled: Settled,
) -> None:
    http = gateway_http
    desk = Desk(http, await session_of(gateway_app, "secretariat"), await csrf_token(http))
    api = {"X-API-Key": await make_key("secretariat")}
    starts = (datetime.now(UTC) + timedelta(days=12)).replace(second=0, microsecond=0)

    # the form refuses what is wrong, keeps what was typed, names each field
    bad = await desk.post("/staff/sessions/new", session_form(
        "", starts, title_en="", ends_at=wall_clock(starts - timedelta(hours=1)),
        join_url="ftp://x"), status=422)
    assert 'href="#title_es"' in bad.text and 'href="#join_url"' in bad.text
    assert 'value="ftp://x"' in bad.text
    refused = await desk.post("/staff/sessions/new", session_form(
        "Mal", starts, ends_at=wall_clock(starts - timedelta(hours=1))), status=422)
    assert 'href="#ends_at"' in refused.text  # the service's refusal, next to its field

    created = await desk.post("/staff/sessions/new", session_form("Datos abiertos", starts))
    page_path = created.headers["location"]
    session_id = page_path.rsplit("/", 1)[1]
    view = (await http.get(f"/v1/sessions/{session_id}", headers=api)).json()
    assert view["status"] == "draft" and view["capacity"] == 5
    assert datetime.fromisoformat(view["starts_at"]) == starts
    assert "https://meet.example.org/d" in await desk.get(page_path)

    await desk.post(f"/staff/sessions/{session_id}/edit",
                    session_form("Datos abiertos", starts, capacity="", title_pt="Dados"))
    view = (await http.get(f"/v1/sessions/{session_id}", headers=api)).json()
    assert view["capacity"] is None and view["title"]["pt"] == "Dados"

    await desk.post(f"/staff/sessions/{session_id}/publish", {})
    listed = await desk.get("/staff/sessions", status="published", topic="open_data")
    assert "Datos abiertos" in listed and f"/staff/sessions/{session_id}" in listed
    assert session_id not in await desk.get("/staff/sessions", status="draft")
    for email, language in (("maria@example.org", "es"), ("john@example.org", "en")):
        registered = await http.post(f"/v1/sessions/{session_id}/registrations",
                                     json=person(email, preferred_language=language))
        assert registered.status_code == 201, registered.text

    # reschedule: first who will be told, then the move
    later = {"starts_at": wall_clock(starts + timedelta(days=1)),
             "ends_at": wall_clock(starts + timedelta(days=1, hours=2))}
    preview = await desk.post(f"/staff/sessions/{session_id}/reschedule", later, status=200)
    assert "2 people who hold a seat will be mailed" in text_of(preview.text)
    await desk.post(f"/staff/sessions/{session_id}/reschedule", {**later, "confirm": "yes"})
    view = (await http.get(f"/v1/sessions/{session_id}", headers=api)).json()
    assert datetime.fromisoformat(view["starts_at"]) == starts + timedelta(days=1)
    await settled()

    # mail the registrants: pressed twice, mailed once
    form_page = await desk.get(f"/staff/sessions/{session_id}/messages")
    key = hidden_fields(form_page)["key"]
    message = {"key": key, "statuses": ["confirmed"], "subject_es": "Sala nueva",
               "subject_en": "New room", "body_es": "Sala B.", "body_en": "Room B."}
    before = len(smtp.inbox.messages)
    for _ in range(2):
        sent = await desk.post(f"/staff/sessions/{session_id}/messages", message, status=200)
        assert "mailed to 2 people" in text_of(sent.text)
    await eventually(lambda: len(smtp.inbox.messages) >= before + 2, 15.0, "the message")
    await settled()
    subjects = sorted(str(m["Subject"]) for m in smtp.inbox.messages[before:])
    assert len(subjects) == 2 and subjects[0].startswith("New room"), subjects
    listed_messages = (await http.get(f"/v1/sessions/{session_id}/messages", headers=api))
    assert len(listed_messages.json()["items"]) == 1

    # announce once; the second press says so
    await desk.post(f"/staff/sessions/{session_id}/announce", {})
    again = await desk.post(f"/staff/sessions/{session_id}/announce", {}, status=409)
    assert "announced to subscribers already" in text_of(again.text)

    # cancel: the reason is needed, then everyone is told
    assert "This cannot be undone" in await desk.get(f"/staff/sessions/{session_id}/cancel")
    await desk.post(f"/staff/sessions/{session_id}/cancel", {"reason": " "}, status=422)
    await desk.post(f"/staff/sessions/{session_id}/cancel", {"reason": "Sin sala."})
    view = (await http.get(f"/v1/sessions/{session_id}", headers=api)).json()
    assert view["status"] == "cancelled"

    await personal_invitations_work(desk, api, smtp, starts)


async def personal_invitations_work(desk: Desk, api: dict[str, str], smtp: SmtpServer,
                                    starts: datetime) -> None:
    """Invite two people to an invite-only session, each mailed; revoke one."""
    http = desk.http
    created = await desk.post("/staff/sessions/new", session_form(
        "Privada", starts, visibility="invite_only"))
    session_id = created.headers["location"].rsplit("/", 1)[1]
    await desk.post(f"/staff/sessions/{session_id}/publish", {})
    path = f"/staff/sessions/{session_id}/invitations"
    assert "Nobody has been invited yet" in await desk.get(path)

    wrong = await desk.post(path, {"people": "Ana <ana@example.org>\nnot a person"}, 422)
    assert "line(s) 2 are not" in text_of(wrong.text)
    people = "Ana Pérez <ana@example.org>\n\nJoão <joao@example.org>"
    sent = await desk.post(path, {"people": people, "language": "pt"}, status=200)
    assert "2 new invitations are being mailed" in text_of(sent.text)
    await eventually(lambda: {"ana@example.org", "joao@example.org"} <= set(
        smtp.inbox.recipients), 15.0, "the invitations")

    page = await desk.get(path)
    revoke = re.findall(rf'action="({path}/[^"]+/revoke)"', page)
    assert len(revoke) == 2
    await desk.post(revoke[0], {})
    states = (await http.get(f"/v1/sessions/{session_id}/invitations", headers=api)).json()
    assert sorted(i["status"] for i in states["items"]) == ["revoked", "sent"]
    assert "Revoked" in await desk.get(path)
