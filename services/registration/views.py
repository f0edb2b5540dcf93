"""Documents as the API shows them; the join URL only when the secretariat asks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import icalendar

from services.registration.domain.rules import seats_left
from shared.contracts.registration import RegistrationView, SessionQuery, SessionView
from shared.db import Document


def session_view(session: Document, *, include_secret: bool = False) -> SessionView:
    """The API shape of a session."""
    return SessionView(
        id=session["_id"], status=session["status"], title=session["title"],
        summary=session.get("summary", {}), format=session["format"],
        topics=session.get("topics", []), starts_at=session["starts_at"],
        ends_at=session["ends_at"], timezone=session["timezone"],
        languages=session["languages"], interpretation=session.get("interpretation", []),
        capacity=session.get("capacity"),
        seats_left=seats_left(session.get("capacity"), session["confirmed"]),
        confirmed=session["confirmed"], waiting=len(session["waiting"]),
        registration_opens_at=session.get("registration_opens_at"),
        registration_closes_at=session.get("registration_closes_at"),
        speakers=session.get("speakers", []), requires_approval=session["requires_approval"],
        visibility=session["visibility"], country_quotas=session.get("country_quotas", []),
        sequence=session.get("sequence", 0),
        join_url=session.get("join_url") if include_secret else None,
    )


def starts_within(starts_from: datetime | None, starts_to: datetime | None) -> dict[str, Any]:
    """A `starts_at` range condition (from inclusive, to exclusive); empty if unbounded."""
    starts: dict[str, Any] = {}
    if starts_from is not None:
        starts["$gte"] = starts_from
    if starts_to is not None:
        starts["$lt"] = starts_to
    return starts


def session_filter(query: SessionQuery) -> dict[str, Any]:
    """The MongoDB filter of a session search (values only from validated fields)."""
    found: dict[str, Any] = {}
    if query.published_only:
        found["status"] = "published"
        found["visibility"] = "public"
    if starts := starts_within(query.starts_from, query.starts_to):
        found["starts_at"] = starts
    if query.topic is not None:
        found["topics"] = query.topic
    if query.format is not None:
        found["format"] = query.format
    if query.language is not None:
        found["languages"] = query.language
    return found


def registration_view(registration: Document) -> RegistrationView:
    """The secretariat's view of one registration."""
    return RegistrationView(
        id=registration["_id"], session_id=registration["session_id"],
        status=registration["status"], waitlist_position=registration.get("waitlist_position"),
        name=registration.get("name"), email=registration.get("email"),
        country=registration["country"], member_state=registration["member_state"],
        institution=registration.get("institution"), sector=registration["sector"],
        job_title=registration.get("job_title"), gender=registration.get("gender"),
        preferred_language=registration["preferred_language"],
        accessibility_needs=registration.get("accessibility_needs"),
        registered_at=registration["registered_at"],
        promoted=registration.get("promoted_at") is not None,
        attendance_minutes=registration.get("attendance_minutes"),
        attendance=registration.get("attendance"),
    )


def calendar(session: Document, language: str = "en") -> str:
    """An iCalendar file of the session: UID stable, SEQUENCE grows with each reschedule."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//INGP//Virtual Dialogues//EN")
    cal.add("version", "2.0")
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
    cal.add_component(event)
    return str(cal.to_ical().decode())
