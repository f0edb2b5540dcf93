"""The secretariat's registrations table, ingest queue and delivery log as pages, over real
HTTP through the gateway with every service behind it: filters, approve and reject (a reason
required), the CSV a link downloads, the attendance report with its unmatched rows listed
back, and the log of the mails those steps sent, addresses masked.

One stack serves the whole story (starting one costs more than each step)."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable

import httpx
import pytest
from litestar import Litestar

from services.gateway.keys import Role
from services.gateway.settings import GatewaySettings
from tests.integration.site_support import text_of
from tests.integration.staff_support import cookie_header, csrf_token, session_of
from tests.support import eventually
from tests.support.sessions import new_session, person

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


async def test_the_registrations_desk_pages(gateway_http: httpx.AsyncClient,
                                            gateway_app: Litestar, make_key: MakeKey) -> None:
    http = gateway_http
    key = await make_key("secretariat")
    session_id = await new_session(http, key, requires_approval=True, capacity=10)
    made = {}
    for n, country in enumerate(["PA", "CL", "PA"]):
        reply = await http.post(f"/v1/sessions/{session_id}/registrations",
                                json=person(f"desk{n}@example.org", name=f"Desk {n}",
                                            country=country))
        assert reply.status_code == 201, reply.text
        made[n] = reply.json()["registration_id"]
    token = await csrf_token(http)
    staff = {**cookie_header(http, await session_of(gateway_app, "secretariat")),
             "Accept-Language": "en"}
    table = f"/staff/sessions/{session_id}/registrations"

    # The table, filtered by country; a code that is not one is said so.
    panama = await http.get(table, params={"country": "pa"}, headers=staff)
    assert panama.status_code == 200, panama.text[:500]
    assert "desk0@example.org" in panama.text and "desk2@example.org" in panama.text
    assert "desk1@example.org" not in panama.text and "Panam" in panama.text
    wrong = await http.get(table, params={"country": "Panama"}, headers=staff)
    assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.text

    # Approve one; reject needs a reason (the page says so), then rejects.
    approved = await http.post(f"{table}/{made[0]}/approve", headers=staff,
                               data={"_csrf_token": token, "country": "PA"})
    assert approved.status_code == 303
    assert approved.headers["location"] == f"{table}?country=PA&done=approve"
    no_reason = await http.post(f"{table}/{made[1]}/reject", headers=staff,
                                data={"_csrf_token": token})
    assert no_reason.status_code == 422 and f'href="#reason-{made[1]}"' in no_reason.text
    rejected = await http.post(f"{table}/{made[1]}/reject", headers=staff,
                               data={"_csrf_token": token, "reason": "Full room"})
    assert rejected.status_code == 303
    twice = await http.post(f"{table}/{made[1]}/reject", headers=staff,
                            data={"_csrf_token": token, "reason": "Again"})
    assert twice.status_code == 409 and f'href="#row-{made[1]}"' in twice.text
    api = {"Authorization": f"Bearer {key}"}
    rows = (await http.get(f"/v1/sessions/{session_id}/registrations", headers=api)).json()
    statuses = {r["id"]: r["status"] for r in rows["items"]}
    assert statuses[made[0]] == "confirmed" and statuses[made[1]] == "rejected"
    assert statuses[made[2]] == "pending_approval"

    # The CSV export behind a plain link: the API's rows, by the same filters.
    exported = await http.get(f"/staff/sessions/{session_id}/registrations.csv",
                              params={"status": "confirmed"}, headers=staff)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith(
        "text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(exported.text)))
    assert [line["email"] for line in lines] == ["desk0@example.org"]

    # The platform's report: one row matched, one named back by its row and reason.
    report = b"\xef\xbb\xbfUser Email;Duration (Minutes)\ndesk0@example.org;42\nnobody@x.org;9\n"
    recorded = await http.post(f"/staff/sessions/{session_id}/attendance", headers=staff,
                               data={"_csrf_token": token},
                               files={"report": ("report.csv", report, "text/csv")})
    assert recorded.status_code == 200, recorded.text[:500]
    unmatched = text_of(recorded.text.split('id="unmatched"', 1)[1].split("</table>")[0])
    assert "3" in unmatched and "No registration" in unmatched
    assert "nobody@x.org" not in recorded.text
    rows = (await http.get(f"/v1/sessions/{session_id}/registrations", headers=api)).json()
    assert {r["id"]: r["attendance_minutes"] for r in rows["items"]}[made[0]] == 42
    unreadable = await http.post(f"/staff/sessions/{session_id}/attendance", headers=staff,
                                 data={"_csrf_token": token},
                                 files={"report": ("r.csv", b"email,minutes\na@b.org,lots\n",
                                                   "text/csv")})
    assert unreadable.status_code == 422 and "Row 2" in unreadable.text

    # The delivery log: the mails of this session, addresses masked for the secretariat.
    async def mails() -> str:
        page = await http.get("/staff/deliveries", params={"session": session_id},
                              headers=staff)
        assert page.status_code == 200
        return page.text if page.text.count("<tr id=\"delivery-") >= 3 else ""

    log = await eventually(mails, 15.0)
    assert "desk0@example.org" not in log and "rejected" in log
    delivery = log.split('<tr id="delivery-', 1)[1].split('"', 1)[0]
    not_failed = await http.post(f"/staff/deliveries/{delivery}/retry", headers=staff,
                                 data={"_csrf_token": token, "session": session_id})
    assert not_failed.status_code == 409 and f'href="#delivery-{delivery}"' in not_failed.text

    # The ingest queue answers (nothing was sent by another system here) and links nowhere.
    queue = await http.get("/staff/ingest", headers=staff)
    assert queue.status_code == 200 and "/staff/sessions/" not in queue.text
    bad_source = await http.get("/staff/ingest", params={"source": "No Such!"}, headers=staff)
    assert bad_source.status_code == 422
