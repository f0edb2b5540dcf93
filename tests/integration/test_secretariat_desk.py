"""The secretariat's desk over real HTTP through the gateway, with every service and a real
SMTP server: sessions by status, registrations by country, the platform's attendance report,
the reschedule preview, and personal invitations mailed, used and revoked.

One stack serves the whole module's story (starting one costs more than each step).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage, Message
from typing import cast

import httpx
import pytest

from services.gateway.keys import Role
from services.gateway.settings import GatewaySettings
from services.notify.settings import SmtpSettings
from tests.integration.notify_support import SmtpServer, smtp_settings_for
from tests.support import assert_problem, eventually
from tests.support.sessions import new_session, person

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]
Settled = Callable[[], Awaitable[None]]
INVITATION_LINK = re.compile(r"/sessions/([^?\s]+)\?invitation=([^\s\"&<>]+)")


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


@pytest.fixture
def smtp_settings(smtp: SmtpServer) -> SmtpSettings:
    return smtp_settings_for(smtp)


def text_of(message: Message) -> str:
    body = cast(EmailMessage, message).get_body(preferencelist=("plain",))
    assert body is not None
    return str(cast(EmailMessage, body).get_content())


def mails_to(smtp: SmtpServer, *addresses: str) -> list[Message]:
    """The messages received for any of these addresses (beginnings)."""
    return [m for m in smtp.inbox.messages
            if any(str(m["To"]).split("<")[-1].startswith(a) for a in addresses)]


async def test_the_secretariat_desk(gateway_http: httpx.AsyncClient, make_key: MakeKey,
                                    smtp: SmtpServer, settled: Settled) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    key = auth["Authorization"][7:]
    http = gateway_http

    # Sessions in every status, for the secretariat only; a draft by id with its join URL.
    draft = await new_session(http, key, publish=False)
    published = await new_session(http, key, capacity=10)
    invited = await new_session(http, key, visibility="invite_only")
    drafts = (await http.get("/v1/sessions", params={"status": "draft"}, headers=auth)).json()
    assert [s["id"] for s in drafts["items"]] == [draft]
    only = (await http.get("/v1/sessions", params={"status": "invite_only"},
                           headers=auth)).json()
    assert [s["id"] for s in only["items"]] == [invited]
    assert (await http.get("/v1/sessions", params={"status": "past"},
                           headers=auth)).json()["items"] == []
    assert_problem(await http.get("/v1/sessions", params={"status": "draft"}), 401)
    assert_problem(await http.get("/v1/sessions", params={"status": "soon"}, headers=auth), 400)
    shown = (await http.get(f"/v1/sessions/{draft}", headers=auth)).json()
    assert shown["status"] == "draft" and shown["join_url"]
    assert_problem(await http.get(f"/v1/sessions/{draft}"), 404)

    # Registrations by country; the reschedule preview counts who would be told.
    url = f"/v1/sessions/{published}/registrations"
    for n, (country, lang) in enumerate([("PA", "es"), ("CL", "pt"), ("PA", "en")]):
        made = await http.post(url, json=person(f"p{n}@example.org", country=country,
                                                preferred_language=lang))
        assert made.status_code == 201, made.text
    panama = (await http.get(url, params={"country": "pa"}, headers=auth)).json()
    assert {r["email"] for r in panama["items"]} == {"p0@example.org", "p2@example.org"}
    as_csv = await http.get(url, params={"country": "CL"},
                            headers={**auth, "Accept": "text/csv"})
    assert "p1@example.org" in as_csv.text and "p0@example.org" not in as_csv.text
    later = datetime.now(UTC) + timedelta(days=20)
    preview = (await http.get(f"/v1/sessions/{published}/reschedule-preview", headers=auth,
                              params={"starts_at": later.isoformat(),
                                      "ends_at": (later + timedelta(hours=1)).isoformat()}))
    assert preview.status_code == 200, preview.text
    assert preview.json()["told"] == 3
    assert preview.json()["told_by_language"] == {"es": 1, "pt": 1, "en": 1}
    assert "@" not in preview.text
    backwards = await http.get(f"/v1/sessions/{published}/reschedule-preview", headers=auth,
                               params={"starts_at": later.isoformat(),
                                       "ends_at": later.isoformat()})
    assert assert_problem(backwards, 422)["errors"][0]["field"] == "ends_at"  # type: ignore[index]

    # The platform's attendance report: unknown rows answered by row, a bad row named.
    report = ("\ufeffUser Email;Duration (Minutes)\np0@example.org;40\n"
              "stranger@example.org;30\nP0@example.org;15\n").encode()
    csv_headers = {**auth, "Content-Type": "text/csv"}
    recorded = await http.post(f"/v1/sessions/{published}/attendance", content=report,
                               headers=csv_headers)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json() == {"recorded": 1, "unknown": 1, "unmatched": [
        {"row": 3, "reason": "no_registration"}]}
    attended = (await http.get(url, params={"country": "PA"}, headers=auth)).json()["items"]
    assert {r["email"]: r["attendance_minutes"] for r in attended}["p0@example.org"] == 55
    bad = await http.post(f"/v1/sessions/{published}/attendance", headers=csv_headers,
                          content=b"email,minutes\np1@example.org,lots\n")
    assert assert_problem(bad, 422)["errors"][0]["field"] == "rows.2.minutes"  # type: ignore[index]
    listed = await http.post(f"/v1/sessions/{published}/attendance", headers=auth,
                             json={"attendees": [{"email": "p1@example.org", "minutes": 5}]})
    assert listed.json()["recorded"] == 1

    # Personal invitations: each mailed its own link once, in its language.
    invitees = {"invitees": [{"name": "Rosa", "email": "rosa@example.org", "language": "pt"},
                             {"name": "Luc", "email": "luc@example.org"}]}
    sent = await http.post(f"/v1/sessions/{invited}/invitations", json=invitees, headers=auth)
    assert sent.status_code == 200, sent.text
    assert sent.json()["created"] == 2
    again = await http.post(f"/v1/sessions/{invited}/invitations", json=invitees, headers=auth)
    assert again.json()["created"] == 0  # pressed twice: the same two, mailed once
    assert_problem(await http.post(f"/v1/sessions/{published}/invitations", json=invitees,
                                   headers=auth), 409)
    assert_problem(await http.post(f"/v1/sessions/{invited}/invitations", headers=auth,
                                   json={"invitees": [{"name": "X", "email": "nope"}]}), 422)
    await eventually(lambda: len(mails_to(smtp, "rosa@", "luc@")) == 2, timeout=15,
                     what="two invitations")
    links = {}
    for message in mails_to(smtp, "rosa@", "luc@"):
        [(session_id, token)] = INVITATION_LINK.findall(text_of(message))
        assert session_id == invited
        links[str(message["To"])] = token
    [rosa] = mails_to(smtp, "rosa@")
    assert "convidado" in str(rosa["Subject"])

    register = f"/v1/sessions/{invited}/registrations"
    rosa_token = next(t for to, t in links.items() if "rosa@" in to)
    luc_token = next(t for to, t in links.items() if "luc@" in to)
    made = await http.post(register, json=person("rosa.work@example.org",
                                                 invitation_token=rosa_token))
    assert made.status_code == 201, made.text
    refused = await http.post(register, json=person("someone@example.org",
                                                    invitation_token=rosa_token))
    assert "already used" in str(assert_problem(refused, 403)["detail"])
    page = (await http.get(f"/v1/sessions/{invited}/invitations", headers=auth)).json()
    by_name = {i["name"]: i for i in page["items"]}
    assert by_name["Rosa"]["status"] == "used"
    assert by_name["Rosa"]["registration_id"] == made.json()["registration_id"]
    revoked = await http.post(f"/v1/invitations/{by_name['Luc']['id']}/revoke", headers=auth)
    assert revoked.json()["status"] == "revoked"
    assert_problem(await http.post(f"/v1/invitations/{by_name['Rosa']['id']}/revoke",
                                   headers=auth), 409)
    luc = await http.post(register, json=person("luc@example.org", invitation_token=luc_token))
    assert "revoked" in str(assert_problem(luc, 403)["detail"])
    await settled()  # pressed twice, still one invitation each; Rosa confirmed at work
    assert len(mails_to(smtp, "rosa@", "luc@")) == 2
    await eventually(lambda: mails_to(smtp, "rosa.work@"), timeout=15, what="the confirmation")
