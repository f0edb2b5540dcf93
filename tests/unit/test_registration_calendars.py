"""Session calendars (.ics): the agenda in the description, the venue as location, the texts in
the language asked for, and files that a strict RFC 5545 parser (`ical`) accepts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import icalendar
import pytest
from babel.messages.pofile import read_po
from ical.calendar_stream import IcsCalendarStream

from services.registration.calendar_texts import MESSAGES
from services.registration.calendars import calendar, calendar_feed
from services.registration.wording import LOCALE

pytestmark = pytest.mark.unit
START = datetime(2027, 11, 24, 16, 30)  # naive UTC, as MongoDB answers: 12:30 in La Paz


def panel(**changes: Any) -> dict[str, Any]:
    """The special panel of the agenda seed, shortened: two blocks, three slots, a venue."""
    at = lambda minutes: START + timedelta(minutes=minutes)  # noqa: E731
    return {
        "_id": "panel1", "status": "published", "sequence": 1, "updated_at": START,
        "title": {"es": "Panel especial sobre compras públicas", "en": "Special panel"},
        "summary": {"es": "Resumen del panel.", "en": "The panel in short."},
        "languages": ["es", "en"], "timezone": "America/La_Paz",
        "starts_at": START, "ends_at": at(120), "join_url": "https://meet.example.org/secret",
        "people": [{"key": "jpg", "name": "Jean Paul Guevara", "institution": "SELA"},
                   {"key": "ana", "name": "Ana Pérez", "institution": "ChileCompra",
                    "country": "CL"}],
        "agenda": [
            {"key": "opening", "title": {"es": "Apertura", "en": "Opening"}, "slots": [
                {"key": "welcome", "starts_at": at(5), "ends_at": at(20), "kind": "opening",
                 "title": {"es": "Palabras de bienvenida", "en": "Welcome"},
                 "people": [{"person": "jpg", "role": "coordinator"}]}]},
            {"key": "regional", "title": {"es": "Experiencias regionales"}, "slots": [
                {"key": "chile", "starts_at": at(20), "ends_at": at(35), "kind": "presentation",
                 "title": {}, "people": [{"person": "ana", "role": "speaker"}]}]}],
        "venue": {"mode": "in_person", "place": "CICC", "room": "Sala 3", "city": "Sucre",
                  "country": "BO"},
    } | changes


def event_of(ics: str) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return event


def strictly_parsed(ics: str) -> Any:
    """The calendar as the strict `ical` parser reads it (it raises on any invalid part)."""
    return IcsCalendarStream.calendar_from_ics(ics)


def test_the_description_holds_the_agenda_in_spanish() -> None:
    ics = calendar(panel(), "es", "https://site.example/sessions/panel1")
    event = event_of(ics)
    text = str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Panel especial sobre compras públicas"
    assert text.startswith("Resumen del panel.")
    assert "Programa (hora de Bolivia)" in text
    assert "EXPERIENCIAS REGIONALES" in text and "miércoles, 24 de noviembre de 2027" in text
    assert re.search(r"12:35\s*–\s*12:50\s+Palabras de bienvenida", text), text
    assert "Jean Paul Guevara, SELA (coordinación)" in text
    assert re.search(r"12:50\s*–\s*13:05\s+Presentación", text)  # no title: its kind
    assert "Ana Pérez, ChileCompra (ponente)" in text
    assert str(event["LOCATION"]) == "CICC, Sala 3, Sucre, Bolivia"
    assert str(event["URL"]) == "https://site.example/sessions/panel1"


def test_english_texts_fall_back_to_the_sessions_language_where_missing() -> None:
    event = event_of(calendar(panel(), "en"))
    text = str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Special panel" and "Programme (Bolivia Time)" in text
    assert "EXPERIENCIAS REGIONALES" in text  # the block has no English title
    assert "Wednesday, November 24, 2027" in text and "(coordinator)" in text
    assert "(speaker)" in text and str(event["LOCATION"]).endswith("Sucre, Bolivia")


def test_without_a_language_the_session_speaks_its_first_and_never_the_join_url() -> None:
    ics = calendar(panel(languages=["en", "es"]))
    assert str(event_of(ics)["SUMMARY"]) == "Special panel"
    assert "secret" not in ics


def test_an_online_session_has_no_location_and_an_old_one_still_has_its_summary() -> None:
    old = {k: v for k, v in panel().items() if k not in ("agenda", "people", "venue")}
    event = event_of(calendar(old, "fr"))
    assert "LOCATION" not in event and str(event["DESCRIPTION"]) == "Resumen del panel."
    hybrid = event_of(calendar(panel(venue={"mode": "hybrid", "city": "Sucre",
                                            "country": "ES"}), "fr"))
    assert str(hybrid["LOCATION"]) == "Sucre, Espagne"  # not a member state: CLDR's name


@pytest.mark.parametrize("lang", ["es", "en", "pt", "fr"])
def test_files_pass_a_strict_parser_with_utc_times(lang: str) -> None:
    ics = calendar(panel(), lang, "https://site.example/sessions/panel1")
    parsed = strictly_parsed(ics)
    (event,) = parsed.events
    assert event.dtstart.utcoffset() == timedelta(0) and event.location
    assert "DTSTART:20271124T163000Z" in ics
    feed = calendar_feed([panel(), panel(_id="other")], "https://site.example/", lang)
    assert len(strictly_parsed(feed).events) == 2


def test_the_feed_is_named_in_its_language_and_says_how_often_to_refresh() -> None:
    feed = icalendar.Calendar.from_ical(calendar_feed([panel()], "https://s.example", "pt"))
    assert str(feed["X-WR-CALNAME"]) == "Diálogos Virtuais da RICG"
    assert feed["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert feed["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    (event,) = feed.walk("VEVENT")
    assert str(event["URL"]) == "https://s.example/sessions/panel1"
    assert "Programa (Horário Bolívia)" in str(event["DESCRIPTION"])
    unnamed = icalendar.Calendar.from_ical(calendar_feed([], "https://s.example"))
    assert str(unnamed["X-WR-CALNAME"]) == "INGP Virtual Dialogues"


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_the_calendar_catalogs_translate_every_message_with_its_placeholders(lang: str) -> None:
    with (LOCALE / lang / "LC_MESSAGES" / "calendar.po").open("rb") as source:
        entries = {m.id: m for m in read_po(source, locale=lang) if m.id}
    assert set(entries) == set(MESSAGES)
    for msgid, message in entries.items():
        assert message.string and not message.fuzzy, msgid
        assert re.findall(r"%\(\w+\)s", msgid) == re.findall(r"%\(\w+\)s", message.string)
