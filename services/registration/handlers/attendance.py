"""Attendance lists, no-shows after the end, retention, and the network in numbers."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from services.registration.domain.registrations import anonymized
from services.registration.domain.rules import email_key, suppress_small
from services.registration.events import participant_entry
from services.registration.handlers import Deps, certificates, session_of
from shared.contracts.registration.events import Attendee, ParticipantAttended, ParticipantNoShow
from shared.contracts.registration.rpc import AttendanceRecorded, Stats, StatsQuery
from shared.db import Document


async def record_attendance(deps: Deps, session_id: str, attendees: list[Attendee],
                            now: datetime) -> AttendanceRecorded:
    """Mark confirmed people as attended (once each; a no-show who came is corrected), and
    issue the certificates their attendance earns (once each)."""
    session = await session_of(deps, session_id)
    recorded = unknown = 0
    for attendee in attendees:
        registration = await _find(deps, session_id, attendee)
        if registration is None or registration["status"] != "confirmed":
            unknown += 1
            continue
        event = participant_entry(ParticipantAttended, registration, session, deps.signer,
                                  now, minutes=attendee.minutes)
        if await deps.store.mark_attended(registration["_id"], attendee.minutes, event):
            recorded += 1
            registration = {**registration, "attendance": "attended",
                            "attendance_minutes": attendee.minutes}
        await certificates.issue_if_earned(deps, registration, session, now)
    deps.kick()
    return AttendanceRecorded(recorded=recorded, unknown=unknown)


async def mark_no_shows(deps: Deps, now: datetime) -> int:
    """Confirmed people without attendance in sessions that ended become no-shows."""
    marked = 0
    for session in await deps.store.ended_without_no_shows(now):
        for registration in await deps.store.confirmed_without_attendance(session["_id"]):
            event = participant_entry(ParticipantNoShow, registration, session, deps.signer, now)
            if await deps.store.mark_no_show(registration["_id"], event):
                marked += 1
        await deps.store.note_no_shows_marked(session["_id"])
    if marked:
        deps.kick()
    return marked


async def anonymize_past(deps: Deps, now: datetime, retention: timedelta) -> int:
    """Erase personal data of sessions ended before the retention period; counts survive."""
    done = 0
    for session in await deps.store.sessions_ended_before(now - retention):
        for registration_id in await deps.store.not_anonymized(session["_id"]):
            if await deps.store.anonymize(registration_id, anonymized(registration_id)):
                done += 1
    return done


async def statistics(deps: Deps, query: StatsQuery, now: datetime) -> Stats:
    """Sessions held and their confirmed participants, by dimension, small cells hidden."""
    sessions = {s["_id"]: s for s in await deps.store.sessions_held(
        now, query.session_id, query.starts_from, query.starts_to)}
    people = await deps.store.confirmed_profiles(list(sessions))
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
