"""iCalendar files of sessions: one session's, and the feed of upcoming public sessions.

Both build each event the same way, so a calendar that imported one session's file and one
subscribed to the feed see the same event (same UID) and its updates (SEQUENCE grows with each
reschedule) rather than two events. Neither ever carries the join URL: both are public.
"""

from __future__ import annotations

from collections.abc import Iterable

import icalendar

from shared.db import Document

PRODID = "-//INGP//Virtual Dialogues//EN"
FEED_NAME = "INGP Virtual Dialogues"


def session_event(session: Document, language: str = "en",
                  url: str | None = None) -> icalendar.Event:
    """The VEVENT of a session: UID stable, SEQUENCE from the session, no join URL."""
    event = icalendar.Event()
    event.add("uid", f"session-{session['_id']}@dialogues.ingp")
    title = session["title"]
    event.add("summary", title.get(language) or next(iter(title.values())))
    summary = session.get("summary", {})
    if summary:
        event.add("description", summary.get(language) or next(iter(summary.values())))
    event.add("dtstart", session["starts_at"])
    event.add("dtend", session["ends_at"])
    event.add("dtstamp", session["updated_at"])
    event.add("sequence", session.get("sequence", 0))
    event.add("status", "CANCELLED" if session["status"] == "cancelled" else "CONFIRMED")
    if url is not None:
        event.add("url", url)
    return event


def _new_calendar() -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    return cal


def calendar(session: Document, language: str = "en") -> str:
    """An iCalendar file of one session."""
    cal = _new_calendar()
    cal.add_component(session_event(session, language))
    return str(cal.to_ical().decode())


def calendar_feed(sessions: Iterable[Document], public_base_url: str,
                  language: str = "en") -> str:
    """One calendar of several sessions, each linking to its page on the public site."""
    cal = _new_calendar()
    # X-WR-CALNAME is what most clients show as the subscription's name; NAME is RFC 7986's.
    cal.add("x-wr-calname", FEED_NAME)
    cal.add("name", FEED_NAME)
    base = public_base_url.rstrip("/")
    for session in sessions:
        cal.add_component(session_event(session, language, f"{base}/sessions/{session['_id']}"))
    return str(cal.to_ical().decode())
