"""The catalog's copy of registration's published sessions, kept from its events: what a
material needs from its session (its topics, countries, date and agenda slots).

Events of one session can arrive out of order (redelivery, a replay from the dead letters), so
each copy carries an `order` and only a newer event replaces it: a later `sequence` (it grows
with each reschedule) wins, and at the same sequence the later event time. Both fit in one
integer, so the store can make the comparison part of one conditional write.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.contracts.registration.events import SessionSnapshot

Doc = dict[str, Any]
SessionStatus = Literal["published", "cancelled"]
SEQUENCE_STEP = 10**13
"""Epoch milliseconds stay below this until the year 2286, so `sequence * SEQUENCE_STEP + ms`
orders by sequence first and by time within one sequence."""


def event_order(sequence: int, at: datetime) -> int:
    """The rank of one session event among the others of its session."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return sequence * SEQUENCE_STEP + int(aware.timestamp() * 1000)


def session_copy(session: SessionSnapshot, status: SessionStatus, at: datetime) -> Doc:
    """What the catalog keeps of a session, from an event published at `at`."""
    return {
        "_id": session.session_id, "title": dict(session.title), "topics": list(session.topics),
        "countries": [code.upper() for code in session.countries],
        "starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat(),
        "timezone": session.timezone, "slots": list(session.slots), "status": status,
        "sequence": session.sequence, "order": event_order(session.sequence, at),
    }


def session_date(copy: Doc) -> date:
    """The date a session's materials carry: the day it started where it was held.

    The local date, not the UTC one: a session announced for the evening of 24 November in
    Panama starts on the 25th in UTC, and its materials would then be dated a day the
    session's own announcement never named."""
    starts = datetime.fromisoformat(copy["starts_at"])
    try:
        zone = ZoneInfo(copy.get("timezone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    aware = starts if starts.tzinfo is not None else starts.replace(tzinfo=UTC)
    return aware.astimezone(zone).date()


def has_slot(copy: Doc, slot: str) -> bool:
    """The session's agenda has a slot with this key."""
    return slot in (copy.get("slots") or [])


def takes_materials(copy: Doc | None) -> bool:
    """Materials attach to a session the catalog knows as published (a cancelled session
    held nothing to keep)."""
    return copy is not None and copy.get("status") == "published"
