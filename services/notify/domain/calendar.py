"""iCalendar invitations: one UID per session, SEQUENCE from the session, REQUEST or CANCEL."""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr
from typing import Literal

from icalendar import Calendar, Event, vCalAddress, vText

from services.notify.domain.rules import pick_text
from shared.contracts.registration.events import SessionSnapshot
from shared.reference import LanguageCode

Method = Literal["REQUEST", "CANCEL"]


def session_uid(session_id: str) -> str:
    """The same UID in every invitation of one session, so calendars update, not duplicate."""
    return f"session-{session_id}@dialogues.ingp"


def session_invitation(session: SessionSnapshot, method: Method, lang: LanguageCode, *,
                       organizer: str, attendee: str, attendee_name: str,
                       stamp: datetime) -> bytes:
    """The `.ics` for one attendee of one session."""
    calendar = Calendar()
    calendar.add("prodid", "-//INGP//Virtual Dialogues//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", session_uid(session.session_id))
    event.add("sequence", session.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", pick_text(session.title, lang, session.languages))
    description = pick_text(session.summary, lang, session.languages) if session.summary else ""
    if session.join_url:
        description = f"{description}\n\n{session.join_url}".strip()
        event.add("url", session.join_url)
        event.add("location", session.join_url)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer_name, organizer_address = parseaddr(organizer)
    who = vCalAddress(f"mailto:{organizer_address}")
    who.params["cn"] = vText(organizer_name or organizer_address)
    event.add("organizer", who)
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["cn"] = vText(attendee_name)
    guest.params["role"] = vText("REQ-PARTICIPANT")
    guest.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", guest)
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
