"""The agenda page of the secretariat's desk over real HTTP against the registration service:
what is typed is saved as the session's people and agenda (read back through the API), and
what cannot be saved is named by its line, with the text kept."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar

from services.gateway.keys import Role
from tests.integration.site_support import text_of
from tests.integration.staff_support import cookie_header, csrf_token, session_of
from tests.support.sessions import new_session

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]
PEOPLE = "ana | Ana Pérez | OAS | pa | Advisor\nLuis Díaz"
AGENDA = """# es: Apertura / en: Opening
14:00-14:15 | opening | es: Bienvenida | speaker: ana, moderator: luis-diaz
14:15-15:00 | panel | Debate [debate]"""


async def test_the_secretariat_writes_an_agenda_and_reads_it_back(
    gateway_http: httpx.AsyncClient, gateway_app: Litestar, make_key: MakeKey,
) -> None:
    http, key = gateway_http, await make_key("secretariat")
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    starts = datetime(day.year, day.month, day.day, 19, tzinfo=UTC)  # 14:00 in Panama
    session_id = await new_session(http, key, publish=False, timezone="America/Panama",
                                   starts_at=starts.isoformat(),
                                   ends_at=(starts + timedelta(hours=2)).isoformat())
    cookie, token = await session_of(gateway_app, "secretariat"), await csrf_token(http)
    headers = {**cookie_header(http, cookie), "Accept-Language": "en"}
    path = f"/staff/sessions/{session_id}/agenda"

    async def save(people: str, agenda: str, status: int) -> str:
        sent = await http.post(path, headers=headers, data={
            "_csrf_token": token, "people": people, "agenda": agenda})
        assert sent.status_code == status, text_of(sent.text)[:600]
        return html.unescape(sent.text)

    empty = await http.get(path, headers=headers)
    assert empty.status_code == 200 and 'name="agenda"' in empty.text

    await save(PEOPLE, AGENDA, 303)
    read = (await http.get(f"/v1/sessions/{session_id}", headers={"X-API-Key": key})).json()
    assert [(p["key"], p["country"]) for p in read["people"]] == [("ana", "PA"),
                                                                 ("luis-diaz", None)]
    [block] = read["agenda"]
    assert (block["key"], block["title"]) == ("apertura", {"es": "Apertura", "en": "Opening"})
    welcome, debate = block["slots"]
    assert welcome["starts_at"].startswith(f"{day.isoformat()}T19:00:00")
    assert welcome["people"] == [{"person": "ana", "role": "speaker"},
                                 {"person": "luis-diaz", "role": "moderator"}]
    assert (debate["key"], debate["title"], debate["kind"]) == (
        "debate", {"es": "Debate"}, "panel")
    page = text_of((await http.get(f"/staff/sessions/{session_id}", headers=headers)).text)
    assert "14:00–14:15" in page and "Bienvenida" in page and "Ana Pérez (Speaker)" in page
    again = html.unescape((await http.get(path, headers=headers)).text)
    assert "[bienvenida]" in again and "# es: Apertura / en: Opening [apertura]" in again

    unreadable = await save(PEOPLE, "# [a]\n14:00 | opening", 422)
    assert "Line 2: the end time is missing." in unreadable
    assert 'href="#agenda"' in unreadable and "14:00 | opening</textarea>" in unreadable
    late = AGENDA + "\n16:30-17:00 | closing"
    refused = await save(PEOPLE, late, 422)
    assert "Line 4: the slot starts outside the session's times" in refused
    assert "16:30-17:00 | closing</textarea>" in refused
    kept = (await http.get(f"/v1/sessions/{session_id}", headers={"X-API-Key": key})).json()
    assert [s["key"] for s in kept["agenda"][0]["slots"]] == ["bienvenida", "debate"]
