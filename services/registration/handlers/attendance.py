"""Attendance lists, no-shows after the end, retention, and the network in numbers."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from services.registration.domain.attendance_report import read_attendance_report
from services.registration.domain.registrations import anonymized
from services.registration.domain.rules import email_key, suppress_small
from services.registration.events import participant_entry
from services.registration.handlers import Deps, certificates, session_of
from shared.contracts.registration.desk import UnmatchedRow
from shared.contracts.registration.events import Attendee, ParticipantAttended, ParticipantNoShow
from shared.contracts.registration.rpc import AttendanceRecorded, Stats, StatsQuery
from shared.db import Document

FIND_AT_ONCE = 32


async def record_attendance(deps: Deps, session_id: str, attendees: Sequence[Attendee],
                            now: datetime, rows: Sequence[int] | None = None
                            ) -> AttendanceRecorded:
    """Mark confirmed people as attended (once each; a no-show who came is corrected), and
    issue the certificates their attendance earns (once each). The lines that match no
    confirmed registration are answered by their row (`rows`, else their place from 1)."""
    session = await session_of(deps, session_id)
    recorded = 0
    unmatched: list[UnmatchedRow] = []
    found = await _find_all(deps, session_id, attendees)
    for at, (attendee, registration) in enumerate(zip(attendees, found, strict=True)):
        if registration is None or registration["status"] != "confirmed":
            reason = "no_registration" if registration is None else "not_confirmed"
            unmatched.append(UnmatchedRow(row=rows[at] if rows else at + 1, reason=reason))
            continue
        event = participant_entry(ParticipantAttended, registration, session, deps.signer,
                                  now, minutes=attendee.minutes)
        if await deps.store.mark_attended(registration["_id"], attendee.minutes, event):
            recorded += 1
            registration = {**registration, "attendance": "attended",
                            "attendance_minutes": attendee.minutes}
        await certificates.issue_if_earned(deps, registration, session, now)
    deps.kick()
    return AttendanceRecorded(recorded=recorded, unknown=len(unmatched), unmatched=unmatched)


async def record_attendance_report(deps: Deps, session_id: str, text: str,
                                   now: datetime) -> AttendanceRecorded:
    """The webinar platform's CSV report: read (refused naming a bad row), then recorded as
    an attendance list whose unmatched lines are named by their row in the CSV."""
    await session_of(deps, session_id)  # an unknown session before a bad CSV
    lines = read_attendance_report(text)
    attendees = [Attendee(email=line.email, minutes=line.minutes) for line in lines]
    return await record_attendance(deps, session_id, attendees, now,
                                   rows=[line.row for line in lines])


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
    """Erase personal data of sessions ended before the retention period; counts survive.
    A session is noted done once all its registrations are, and not read again."""
    done = 0
    for session in await deps.store.sessions_to_anonymize(now - retention):
        for registration_id in await deps.store.not_anonymized(session["_id"]):
            if await deps.store.anonymize(registration_id, anonymized(registration_id)):
                done += 1
        await deps.store.note_personal_data_erased(session["_id"])
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


async def _find_all(deps: Deps, session_id: str, attendees: Sequence[Attendee]
                    ) -> list[Document | None]:
    """Each line's registration, FIND_AT_ONCE lookups at a time: one after another, a list of
    thousands took longer than the gateway waits for an answer."""
    found: list[Document | None] = []
    for start in range(0, len(attendees), FIND_AT_ONCE):
        found += await asyncio.gather(*(_find(deps, session_id, attendee)
                                        for attendee in attendees[start:start + FIND_AT_ONCE]))
    return found


async def _find(deps: Deps, session_id: str, attendee: Attendee) -> Document | None:
    if attendee.registration_id is not None:
        found = await deps.store.registration(attendee.registration_id)
        return found if found is not None and found["session_id"] == session_id else None
    if attendee.email is not None:
        return await deps.store.registration_by_email(session_id, email_key(attendee.email))
    return None
