"""Attendance: lists from the secretariat and from the webinar platform, and statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.contracts.registration.rpc import (
    AttendanceRecorded,
    RecordAttendance,
    RegistrationPage,
    RegistrationQuery,
    Stats,
    StatsQuery,
)
from tests.fast.registration.backends import Backend
from tests.fast.registration.support import attendance_list, open_session, register

pytestmark = pytest.mark.fast


async def attendance(backend: Backend, session_id: str) -> dict[str, str | None]:
    page = await backend.call("list_registrations", RegistrationQuery(session_id=session_id),
                              RegistrationPage)
    return {str(item.email): item.attendance for item in page.items}


async def test_attendance_marks_the_confirmed_once_and_counts_the_unknown(
        backend: Backend) -> None:
    session_id = await open_session(backend, capacity=1)
    await register(backend, session_id, "seated@example.org")
    await register(backend, session_id, "waiting@example.org")
    request = RecordAttendance.model_validate({"session_id": session_id, "attendees": [
        {"email": " Seated@example.org", "minutes": 55},
        {"email": "waiting@example.org", "minutes": 10},
        {"email": "nobody@example.org", "minutes": 3}]})
    first = await backend.call("record_attendance", request, AttendanceRecorded)
    again = await backend.call("record_attendance", request, AttendanceRecorded)
    assert (first.recorded, first.unknown) == (1, 2)
    assert (again.recorded, again.unknown) == (0, 2)
    assert await attendance(backend, session_id) == {
        "seated@example.org": "attended", "waiting@example.org": None}
    assert len(await backend.events("registration.participant.attended", expected=2,
                                    seconds=1.0)) == 1


async def test_the_webinar_platform_list_marks_attendance(backend: Backend) -> None:
    session_id = await open_session(backend)
    seated = await register(backend, session_id, "ana@example.org")
    await backend.publish_ingest(attendance_list(session_id, [
        {"registration_id": seated.registration_id, "minutes": 40}]))
    [attended] = await backend.events("registration.participant.attended")
    assert attended.data["minutes"] == 40
    assert await attendance(backend, session_id) == {"ana@example.org": "attended"}


async def test_a_list_for_an_unknown_session_is_rejected_to_its_sender(
        backend: Backend) -> None:
    await backend.publish_ingest(attendance_list("no-such-session", [
        {"email": "ana@example.org", "minutes": 40}]))
    [rejection] = await backend.events("ingest.rejected")
    assert rejection.data["subject"] == "ingest.registration.attendance.v1"
    assert "no-such-session" in rejection.data["reason"]


async def test_statistics_count_held_sessions_and_hide_small_groups(backend: Backend) -> None:
    session_id = await open_session(backend)
    for n in range(6):
        await register(backend, session_id, f"p{n}@example.org",
                       country="CL" if n == 5 else "MX")
    assert (await backend.call("stats", StatsQuery(), Stats)).sessions_held == 0
    backend.clock.advance(timedelta(days=8))
    stats = await backend.call("stats", StatsQuery(session_id=session_id), Stats)
    assert (stats.sessions_held, stats.participants, stats.countries) == (1, 6, 2)
    assert stats.by_country == {"CL": None, "MX": 5}
