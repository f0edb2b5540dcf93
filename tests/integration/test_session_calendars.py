"""Session calendars through the gateway against the real services: one session's .ics in the
reader's language with its agenda and venue (API and site), and the site's feed filtered by
topic and language, offered as a `webcal://` subscription on the sessions list."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import httpx
import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from services.gateway.keys import Role
from tests.support.sessions import published_session

pytestmark = pytest.mark.integration
START = (datetime.now(UTC) + timedelta(days=20)).replace(hour=16, minute=30, second=0,
                                                         microsecond=0)


def at(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


PROGRAMME: dict[str, Any] = {
    "title": {"es": "Panel especial", "en": "Special panel"},
    "starts_at": at(0), "ends_at": at(120), "timezone": "America/La_Paz",
    "people": [{"key": "jpg", "name": "Jean Paul Guevara", "institution": "SELA"},
               {"key": "ana", "name": "Ana Pérez", "institution": "ChileCompra",
                "country": "CL"}],
    "agenda": [{"key": "regional", "title": {"es": "Experiencias regionales",
                                             "en": "Regional experiences"},
                "slots": [{"key": "chile", "starts_at": at(5), "ends_at": at(20),
                           "kind": "presentation", "title": {"es": "El caso de Chile",
                                                             "en": "The case of Chile"},
                           "people": [{"person": "ana", "role": "speaker"},
                                      {"person": "jpg", "role": "moderator"}]}]}],
    "venue": {"mode": "in_person", "place": "CICC", "room": "Sala 3", "city": "Sucre",
              "country": "BO"},
}


@pytest.fixture
async def secretariat(gateway_http: httpx.AsyncClient,
                      make_key: Callable[[Role], Awaitable[str]]) -> str:
    return await make_key("secretariat")


def only_event(ics: str) -> icalendar.Event:
    IcsCalendarStream.calendar_from_ics(ics)  # strict: raises on anything invalid
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return event


async def test_a_sessions_ics_holds_its_agenda_and_venue_in_the_language_asked(
        gateway_http: httpx.AsyncClient, secretariat: str) -> None:
    session_id = await published_session(gateway_http, secretariat, **PROGRAMME)
    spanish = await gateway_http.get(f"/v1/sessions/{session_id}/calendar.ics",
                                     params={"lang": "es"})
    assert spanish.status_code == 200 and spanish.headers["content-type"].startswith(
        "text/calendar")
    event = only_event(spanish.text)
    text = str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Panel especial"
    assert "Programa (hora de Bolivia)" in text and "EXPERIENCIAS REGIONALES" in text
    assert re.search(r"12:35\s*–\s*12:50\s+El caso de Chile", text), text
    assert "Ana Pérez, ChileCompra (ponente); Jean Paul Guevara, SELA (moderación)" in text
    assert str(event["LOCATION"]) == "CICC, Sala 3, Sucre, Bolivia"
    assert str(event["URL"]).endswith(f"/sessions/{session_id}")

    english = only_event((await gateway_http.get(
        f"/sessions/{session_id}/calendar.ics", params={"lang": "en"})).text)
    assert str(english["SUMMARY"]) == "Special panel"
    assert "The case of Chile" in str(english["DESCRIPTION"])
    assert "(speaker)" in str(english["DESCRIPTION"])
    assert str(english["UID"]) == str(event["UID"])
    default = only_event((await gateway_http.get(f"/sessions/{session_id}/calendar.ics")).text)
    assert str(default["SUMMARY"]) == "Panel especial"  # the session's first language


async def test_an_unknown_language_is_refused_naming_lang(
        gateway_http: httpx.AsyncClient, secretariat: str) -> None:
    session_id = await published_session(gateway_http, secretariat)
    api = await gateway_http.get(f"/v1/sessions/{session_id}/calendar.ics",
                                 params={"lang": "de"})
    assert api.status_code == 422, api.text
    assert [e["field"] for e in api.json()["errors"]] == ["lang"]
    site = await gateway_http.get(f"/sessions/{session_id}/calendar.ics", params={"lang": "de"},
                                  headers={"Accept": "application/json"})
    assert site.status_code == 422 and site.json()["errors"][0]["field"] == "lang"
    feed = await gateway_http.get("/sessions/calendar.ics", params={"topic": "nope"},
                                  headers={"Accept": "application/json"})
    assert feed.status_code == 422 and feed.json()["errors"][0]["field"] == "topic"


def urls_in(ics: str) -> list[str]:
    return [str(e["URL"]).rsplit("/", 1)[1]
            for e in icalendar.Calendar.from_ical(ics).walk("VEVENT")]


async def test_the_feed_filters_by_topics_and_language_and_is_offered_as_webcal(
        gateway_http: httpx.AsyncClient, secretariat: str) -> None:
    http = gateway_http
    soon = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=5)

    async def session(day: int, topics: list[str], languages: list[str],
                      interpretation: list[str] | None = None) -> str:
        return await published_session(
            http, secretariat, topics=topics, languages=languages,
            interpretation=interpretation or [],
            title={"es": f"Sesión {day}", "pt": f"Sessão {day}"},
            starts_at=(soon + timedelta(days=day)).isoformat(),
            ends_at=(soon + timedelta(days=day, hours=1)).isoformat())

    msmes_es = await session(1, ["msmes"], ["es"])
    data_pt = await session(2, ["open_data"], ["pt"])
    works_es_into_pt = await session(3, ["public_works"], ["es"], ["pt"])
    data_en = await session(4, ["open_data"], ["en"])

    everything = await http.get("/sessions/calendar.ics")
    assert everything.status_code == 200
    assert {msmes_es, data_pt, works_es_into_pt, data_en} <= set(urls_in(everything.text))
    topics = await http.get("/sessions/calendar.ics?topic=msmes&topic=open_data")
    mine = [i for i in urls_in(topics.text) if i in (msmes_es, data_pt, works_es_into_pt,
                                                     data_en)]
    assert mine == [msmes_es, data_pt, data_en]
    portuguese = await http.get("/sessions/calendar.ics", params={"lang": "pt"})
    IcsCalendarStream.calendar_from_ics(portuguese.text)
    feed = icalendar.Calendar.from_ical(portuguese.text)
    assert str(feed["X-WR-CALNAME"]) == "Diálogos Virtuais da RICG"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in portuguese.text
    shown = {str(e["URL"]).rsplit("/", 1)[1]: str(e["SUMMARY"]) for e in feed.walk("VEVENT")}
    assert set(shown) >= {data_pt, works_es_into_pt} and not {msmes_es, data_en} & set(shown)
    assert shown[data_pt] == "Sessão 2"
    both = await http.get("/sessions/calendar.ics?topic=open_data&lang=pt")
    assert [i for i in urls_in(both.text) if i in (data_pt, data_en)] == [data_pt]

    listed = await http.get("/sessions", params={"topic": "open_data", "language": "pt",
                                                 "lang": "en"})
    links = [unescape(href) for href in re.findall(r'href="([^"]+calendar\.ics[^"]*)"',
                                                   listed.text)]
    webcal = [link for link in links if link.startswith("webcal://")]
    https = [link for link in links if link.startswith("http")]
    assert webcal and https, links
    assert webcal[0].endswith("/sessions/calendar.ics?topic=open_data&lang=pt")
    assert https[0].split("://", 1)[1] == webcal[0].split("://", 1)[1]
    again = await http.get("/sessions/calendar.ics?" + https[0].split("?", 1)[1])
    assert [i for i in urls_in(again.text) if i in (data_pt, data_en)] == [data_pt]
