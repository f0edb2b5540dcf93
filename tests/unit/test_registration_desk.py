"""The secretariat desk's rules: reading attendance reports, counting who a reschedule tells,
what a personal invitation lets in, and the session lists by status and source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.registration.domain.attendance_report import (
    ReportLine,
    minutes_of,
    read_attendance_report,
)
from services.registration.domain.errors import Refusal
from services.registration.domain.invitations import (
    invitation_id,
    invitation_may_be_revoked,
    new_invitation,
    refuse_unless_invitation_admits,
    session_takes_invitations,
)
from services.registration.domain.reschedule import reschedule_preview
from services.registration.domain.rules import email_key
from services.registration.store.session_filters import desk_filter
from shared.contracts.registration.desk import Invitee
from shared.contracts.registration.rpc import SessionQuery

NOW = datetime(2030, 5, 1, 12, tzinfo=UTC)


def refused_field(text: str) -> str:
    with pytest.raises(Refusal) as refused:
        read_attendance_report(text)
    assert refused.value.code == "invalid"
    return str(refused.value.details["errors"][0]["loc"][0])  # type: ignore[index]


# --- attendance reports ---
def test_a_zoom_like_report_with_bom_semicolons_and_a_preamble_is_read() -> None:
    text = ("\ufeffMeeting ID;Topic\n123;Compras\n\n"
            "Name (Original Name);User Email;Duration (Minutes)\n"
            "Ana;ana@example.org;50\nBo;bo@example.org;30\nAna;ANA@example.org;15\n")
    assert read_attendance_report(text) == [ReportLine(5, "ana@example.org", 65),
                                            ReportLine(6, "bo@example.org", 30)]


@pytest.mark.parametrize("header", ["Email,Minutes", "E-MAIL , duration", "correo,minutos",
                                    "Attendee Email,Time in Session (minutes)"])
def test_common_header_spellings_are_recognised(header: str) -> None:
    assert read_attendance_report(f"{header}\nx@example.org,12\n") == [
        ReportLine(2, "x@example.org", 12)]


@pytest.mark.parametrize(("cell", "minutes"), [("45", 45), ("45.9", 45), ("1:05:30", 65),
                                               ("1h 5m 30s", 65), ("20 min", 20), ("x", None),
                                               ("", None), ("-3", None)])
def test_minutes_as_platforms_write_them(cell: str, minutes: int | None) -> None:
    assert minutes_of(cell) == minutes


def test_a_day_is_the_most_one_address_attends() -> None:
    assert read_attendance_report("email,minutes\na@x.org,1000\na@x.org,1000\n")[0].minutes \
        == 24 * 60


def test_a_bad_report_is_refused_naming_the_row() -> None:
    assert refused_field("name,minutes\nAna,3\n") == "rows.1"
    assert refused_field("email,minutes\na@x.org,3\nb@x.org,soon\n") == "rows.3.minutes"
    assert refused_field("email;minutes\n;3\n") == "rows.2.email"


def test_blank_rows_are_skipped_and_a_header_alone_is_no_attendance() -> None:
    assert read_attendance_report("email,minutes\n\n,\n") == []


# --- the reschedule preview ---
SESSION = {"_id": "s1", "status": "published", "starts_at": NOW,
           "ends_at": NOW + timedelta(hours=1)}


def registrations(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"status": status, "preferred_language": lang} for status, lang in pairs]


def test_a_move_tells_the_seat_holders_by_language_and_counts_the_others() -> None:
    people = registrations(("confirmed", "es"), ("confirmed", "pt"), ("confirmed", "es"),
                           ("waitlisted", "en"), ("pending_approval", "fr"))
    preview = reschedule_preview(SESSION, people, NOW + timedelta(days=1),
                                 NOW + timedelta(days=1, hours=1))
    assert preview.moves and preview.told == 3
    assert preview.told_by_language == {"es": 2, "pt": 1}
    assert preview.not_told_by_status == {"waitlisted": 1, "pending_approval": 1}


def test_same_times_or_a_draft_tell_nobody() -> None:
    people = registrations(("confirmed", "es"))
    assert reschedule_preview(SESSION, people, NOW, NOW + timedelta(hours=1)).told == 0
    draft = {**SESSION, "status": "draft"}
    assert reschedule_preview(draft, people, NOW + timedelta(days=1),
                              NOW + timedelta(days=2)).told == 0


def test_a_preview_that_ends_before_it_starts_is_refused_naming_ends_at() -> None:
    with pytest.raises(Refusal) as refused:
        reschedule_preview(SESSION, [], NOW, NOW)
    assert refused.value.details["errors"][0]["loc"] == ["ends_at"]  # type: ignore[index]


# --- personal invitations ---
INVITE_ONLY = {"_id": "s1", "status": "published", "visibility": "invite_only",
               "starts_at": NOW + timedelta(days=3), "languages": ["es", "en"]}


def test_one_invitation_per_address_and_session_whatever_the_case() -> None:
    assert invitation_id("s1", "Ana@Example.org ") == invitation_id("s1", "ana@example.org")
    assert invitation_id("s2", "ana@example.org") != invitation_id("s1", "ana@example.org")
    made = new_invitation(INVITE_ONLY, Invitee(name="Ana", email="ana@example.org"), NOW)
    assert (made["status"], made["language"]) == ("sent", "es")


def test_only_invite_only_sessions_not_cancelled_nor_started_take_invitations() -> None:
    assert session_takes_invitations(INVITE_ONLY, NOW)
    assert not session_takes_invitations({**INVITE_ONLY, "visibility": "public"}, NOW)
    assert not session_takes_invitations({**INVITE_ONLY, "status": "cancelled"}, NOW)
    assert not session_takes_invitations(INVITE_ONLY, NOW + timedelta(days=3))


def invitation(status: str, used_by: str | None = None) -> dict[str, Any]:
    return {"session_id": "s1", "status": status, "used_by": used_by}


@pytest.mark.parametrize(("found", "email", "why"), [
    (None, "a@x.org", "another session"),
    ({**invitation("sent"), "session_id": "s2"}, "a@x.org", "another session"),
    (invitation("revoked"), "a@x.org", "revoked"),
    (invitation("used", email_key("b@x.org")), "a@x.org", "already used"),
])
def test_an_invitation_refuses_with_its_reason(found: dict[str, Any] | None, email: str,
                                               why: str) -> None:
    with pytest.raises(Refusal) as refused:
        refuse_unless_invitation_admits(found, "s1", email)
    assert refused.value.code == "forbidden" and why in str(refused.value)


def test_a_sent_invitation_admits_anyone_and_a_used_one_its_user_again() -> None:
    refuse_unless_invitation_admits(invitation("sent"), "s1", "anyone@x.org")
    refuse_unless_invitation_admits(invitation("used", email_key("a@x.org")), "s1", "A@x.org")
    assert invitation_may_be_revoked(invitation("sent"))
    assert not invitation_may_be_revoked(invitation("used"))


# --- session lists ---
@pytest.mark.parametrize(("status", "found"), [
    ("draft", {"status": "draft"}), ("cancelled", {"status": "cancelled"}),
    ("invite_only", {"visibility": "invite_only"}), ("past", {"ends_at": {"$lt": NOW}}),
])
def test_the_secretariat_lists_sessions_by_status(status: str, found: dict[str, Any]) -> None:
    query = SessionQuery.model_validate({"status": status, "published_only": False,
                                         "ended_before": NOW})
    assert desk_filter(query) == found


def test_the_ingest_review_queue_is_drafts_from_one_source() -> None:
    query = SessionQuery(status="draft", source="sicop", published_only=False)
    assert desk_filter(query) == {"status": "draft", "provenance.source": "sicop"}
