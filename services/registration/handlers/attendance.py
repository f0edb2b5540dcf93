"""Attendance lists, no-shows after the end, retention, and the network in numbers."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from services.registration.domain.rules import email_key, suppress_small
from services.registration.events import participant_entry
from services.registration.handlers import Deps
from services.registration.views import starts_within
from shared.bus import ServiceError
from shared.contracts.registration import (
    AttendanceRecorded,
    Attendee,
    ParticipantAttended,
    ParticipantNoShow,
    Stats,
    StatsQuery,
)
from shared.db import Document

PERSONAL = ("name", "email", "institution", "job_title", "accessibility_needs")


async def record_attendance(deps: Deps, session_id: str, attendees: list[Attendee],
                            now: datetime) -> AttendanceRecorded:
    """Mark confirmed people as attended (once each; a no-show who came is corrected)."""
    session = await deps.store.session(session_id)
    if session is None:
        raise ServiceError("not_found", f"There is no session {session_id!r}.")
    recorded = unknown = 0
    for attendee in attendees:
        registration = await _find(deps, session_id, attendee)
        if registration is None or registration["status"] != "confirmed":
            unknown += 1
            continue
        event = participant_entry(ParticipantAttended, registration, session, deps.signer,
                                  now, minutes=attendee.minutes)
        if await deps.store.set_registration(
                # `$in` rather than `$ne`: in a write filter the stand-in's `$ne` never
                # matches a null field.
                registration["_id"],
                {"status": "confirmed", "attendance": {"$in": [None, "no_show"]}},
                {"attendance": "attended", "attendance_minutes": attendee.minutes}, [event]):
            recorded += 1
    deps.kick()
    return AttendanceRecorded(recorded=recorded, unknown=unknown)


async def mark_no_shows(deps: Deps, now: datetime) -> int:
    """Confirmed people without attendance in sessions that ended become no-shows."""
    marked = 0
    for session in await deps.store.sessions_matching(
            {"status": "published", "ends_at": {"$lt": now}, "no_shows_marked": False}):
        for registration in await deps.store.registrations_matching(
                {"session_id": session["_id"], "status": "confirmed", "attendance": None}):
            event = participant_entry(ParticipantNoShow, registration, session, deps.signer, now)
            if await deps.store.set_registration(
                    registration["_id"], {"status": "confirmed", "attendance": None},
                    {"attendance": "no_show"}, [event]):
                marked += 1
        await deps.store.update_session(session["_id"], {}, {"$set": {"no_shows_marked": True}})
    if marked:
        deps.kick()
    return marked


async def anonymize_past(deps: Deps, now: datetime, retention: timedelta) -> int:
    """Erase personal data of sessions ended before the retention period; counts survive."""
    done = 0
    for session in await deps.store.sessions_matching({"ends_at": {"$lt": now - retention}}):
        for registration in await deps.store.registrations_matching(
                {"session_id": session["_id"], "anonymized": False}, {"_id": 1}):
            changes: dict[str, Any] = {name: None for name in PERSONAL}
            changes.update(anonymized=True, email_key=f"anonymized:{registration['_id']}")
            if await deps.store.set_registration(registration["_id"], {"anonymized": False},
                                                 changes, []):
                done += 1
    return done


async def statistics(deps: Deps, query: StatsQuery, now: datetime) -> Stats:
    """Sessions held and their confirmed participants, by dimension, small cells hidden."""
    held: dict[str, Any] = {"status": "published", "ends_at": {"$lt": now}}
    if query.session_id is not None:
        held["_id"] = query.session_id
    if starts := starts_within(query.starts_from, query.starts_to):
        held["starts_at"] = starts
    sessions = {s["_id"]: s for s in await deps.store.sessions_matching(held)}
    people = await deps.store.registrations_matching(
        {"session_id": {"$in": list(sessions)}, "status": "confirmed"},
        {"country": 1, "region": 1, "sector": 1, "gender": 1, "session_id": 1})
    count = _counter(people)
    return Stats(
        sessions_held=len(sessions), participants=len(people),
        countries=len({p["country"] for p in people}),
        by_country=suppress_small(count("country")), by_region=suppress_small(count("region")),
        by_sector=suppress_small(count("sector")), by_gender=suppress_small(count("gender")),
        by_format=suppress_small(Counter(sessions[p["session_id"]]["format"] for p in people)),
        by_month=suppress_small(Counter(
            sessions[p["session_id"]]["starts_at"].strftime("%Y-%m") for p in people)),
        suppressed_below=5,
    )


def _counter(people: list[Document]) -> Any:
    def by(field: str) -> Counter[str]:
        return Counter(str(p.get(field) or "unknown") for p in people)
    return by


async def _find(deps: Deps, session_id: str, attendee: Attendee) -> Document | None:
    if attendee.registration_id is not None:
        found = await deps.store.registration(attendee.registration_id)
        return found if found is not None and found["session_id"] == session_id else None
    if attendee.email is not None:
        return await deps.store.registration_by_email(session_id, email_key(attendee.email))
    return None
