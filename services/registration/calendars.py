"""iCalendar files of sessions: one session's, and the feed of upcoming public sessions.

Both build each event the same way, so a calendar that imported one session's file and one
subscribed to the feed see the same event (same UID) and its updates (SEQUENCE grows with each
reschedule) rather than two events. Neither ever carries the join URL: both are public.

Times are UTC instants (`...Z`), which every client converts and a strict parser accepts
without a VTIMEZONE; the agenda in the description is written in the session's own zone, named.
The words (title, description, location, the feed's name) are in one language: see
`calendar_texts` for the fallback when a text is missing in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import icalendar

from services.registration.calendar_texts import (
    FEED_NAME,
    as_utc,
    description,
    location,
    pick,
    t,
)
from shared.db import Document

PRODID = "-//INGP//Virtual Dialogues//EN"
REFRESH = timedelta(hours=1)
"""How often a subscribed calendar should fetch the feed again (RFC 7986, and Outlook's
X-PUBLISHED-TTL); the site caches it for less."""


def language_of(session: Document, language: str | None) -> str:
    """The language asked for, else the session's first (the one it is held in)."""
    return language or next(iter(session.get("languages") or []), "es")


def session_url(public_base_url: str, session_id: str) -> str:
    """The session's page on the public site."""
    return f"{public_base_url.rstrip('/')}/sessions/{session_id}"


def session_event(session: Document, language: str | None = None,
                  url: str | None = None) -> icalendar.Event:
    """The VEVENT of a session: UID stable, SEQUENCE from the session, no join URL."""
    lang = language_of(session, language)
    event = icalendar.Event()
    event.add("uid", f"session-{session['_id']}@dialogues.ingp")
    event.add("summary", pick(session["title"], lang, session.get("languages", [])))
    if text := description(session, lang, url):
        event.add("description", text)
    if where := location(session.get("venue"), lang):
        event.add("location", where)
    event.add("dtstart", as_utc(session["starts_at"]))
    event.add("dtend", as_utc(session["ends_at"]))
    event.add("dtstamp", as_utc(session["updated_at"]))
    event.add("sequence", session.get("sequence", 0))
    event.add("status", "CANCELLED" if session["status"] == "cancelled" else "CONFIRMED")
    if url is not None:
        event.add("url", url)
    return event


def _new_calendar() -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    return cal


def calendar(session: Document, language: str | None = None, url: str | None = None) -> str:
    """An iCalendar file of one session, in `language` (default: the session's first)."""
    cal = _new_calendar()
    cal.add_component(session_event(session, language, url))
    return str(cal.to_ical().decode())


def calendar_feed(sessions: Iterable[Document], public_base_url: str,
                  language: str | None = None) -> str:
    """One calendar of several sessions, each linking to its page on the public site. Without
    a language, each session speaks its own first language and the feed is named in English."""
    cal = _new_calendar()
    name = t(language or "en", FEED_NAME)
    # X-WR-CALNAME is what most clients show as the subscription's name; NAME is RFC 7986's.
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for session in sessions:
        cal.add_component(session_event(session, language,
                                        session_url(public_base_url, session["_id"])))
    return str(cal.to_ical().decode())
