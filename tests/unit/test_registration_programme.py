"""A session with its agenda, people and venue: created, checked, moved and edited (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.registration.domain import sessions
from services.registration.domain.errors import Refusal
from services.registration.views import institution_view, session_view
from shared.contracts.registration.rpc import SessionFields

pytestmark = pytest.mark.unit
NOW = datetime(2022, 11, 1, 12, tzinfo=UTC)
START = datetime(2022, 11, 24, 16, 30, tzinfo=UTC)  # 12:30 in La Paz


def fields(**changes: Any) -> SessionFields:
    """A 90-minute session in La Paz with one person and one block of two slots, its times
    printed as in an agenda (wall clock, no offset)."""
    return SessionFields.model_validate({
        "title": {"en": "Special panel"}, "format": "panel", "starts_at": START,
        "ends_at": START + timedelta(minutes=90), "timezone": "America/La_Paz",
        "languages": ["es"], "people": [{"key": "ana", "name": "Ana"}],
        "agenda": [{"key": "b", "slots": [
            {"key": "open", "kind": "opening", "starts_at": "2022-11-24T12:30",
             "ends_at": "2022-11-24T12:35", "people": [{"person": "ana", "role": "speaker"}]},
            {"key": "talk", "kind": "presentation", "starts_at": "2022-11-24T12:35",
             "ends_at": "2022-11-24T12:50"}]}],
        **changes})


def slot_starts(session: dict[str, Any]) -> list[datetime]:
    return [s["starts_at"] for block in session["agenda"] for s in block["slots"]]


def refused_at(call: Any, *args: Any) -> list[list[Any]]:
    with pytest.raises(Refusal) as raised:
        call(*args)
    assert raised.value.code == "invalid" and raised.value.details is not None
    return [e["loc"] for e in raised.value.details["errors"]]


def test_a_new_session_is_online_with_no_agenda_unless_told() -> None:
    plain = sessions.new_session("s1", fields(people=None, agenda=None), NOW)
    assert plain["venue"] == {"mode": "online"} and plain["agenda"] == []
    assert plain["certificate_threshold"] is None and plain["parent_event"] is None


def test_a_new_session_keeps_its_threshold_and_its_people_whole() -> None:
    session = sessions.new_session("s1", fields(certificate_threshold=75), NOW)
    assert session["certificate_threshold"] == 75
    assert session["people"] == [{"key": "ana", "name": "Ana", "institution": None,
                                  "country": None, "title": None, "bio": {}}]


def test_slot_times_printed_without_offset_are_stored_as_utc_instants() -> None:
    session = sessions.new_session("s1", fields(), NOW)
    assert slot_starts(session) == [START, START + timedelta(minutes=5)]
    assert session["agenda"][0]["slots"][1]["people"] == []


def test_a_new_session_with_a_bad_agenda_is_refused_naming_each_field() -> None:
    bad = fields(venue={"mode": "in_person", "country": "BO"},
                 agenda=[{"key": "b", "slots": [
                     {"key": "x", "kind": "panel", "starts_at": "2022-11-24T12:00",
                      "ends_at": "2022-11-24T12:40",
                      "people": [{"person": "bob", "role": "moderator"}]}]}])
    assert refused_at(sessions.new_session, "s1", bad, NOW) == [
        ["agenda", 0, "slots", 0, "starts_at"],
        ["agenda", 0, "slots", 0, "people", 0, "person"], ["venue", "city"]]


def test_a_reschedule_moves_the_agenda_with_the_session() -> None:
    session = {**sessions.new_session("s1", fields(), NOW), "status": "published"}
    later = {"starts_at": START + timedelta(days=1),
             "ends_at": START + timedelta(days=1, minutes=90)}
    after, moved = sessions.patched(session, later, False, NOW)
    assert moved and slot_starts(after) == [s + timedelta(days=1) for s in slot_starts(session)]


def test_a_reschedule_with_a_new_agenda_takes_the_agenda_as_given() -> None:
    session = sessions.new_session("s1", fields(), NOW)
    new = sessions.given(fields(starts_at=START + timedelta(hours=1),
                                ends_at=START + timedelta(hours=2)))
    assert "agenda" in new
    with pytest.raises(Refusal):  # the given agenda is at the old time: outside now
        sessions.patched(session, new, False, NOW)
    shifted = fields(agenda=[{"key": "b", "slots": [
        {"key": "open", "kind": "opening", "starts_at": "2022-11-24T13:40",
         "ends_at": "2022-11-24T13:50"}]}], people=None,
        starts_at=START + timedelta(hours=1), ends_at=START + timedelta(hours=2))
    after, _ = sessions.patched(session, sessions.given(shifted), False, NOW)
    assert slot_starts(after) == [START + timedelta(minutes=70)]


def test_an_edit_that_cuts_a_slot_off_the_session_is_refused() -> None:
    session = sessions.new_session("s1", fields(), NOW)
    shorter = {"ends_at": START + timedelta(minutes=15)}
    assert refused_at(sessions.patched, session, shorter, False, NOW) == [
        ["agenda", 0, "slots", 1, "ends_at"]]


def test_only_edits_of_what_others_show_of_a_published_session_are_announced() -> None:
    draft = sessions.new_session("s1", fields(capacity=10), NOW)
    published = {**draft, "status": "published"}
    retitled, _ = sessions.patched(published, {"title": {"en": "New"}}, False, NOW)
    bigger, _ = sessions.patched(published, {"capacity": 20}, False, NOW)
    assert sessions.announces_change(published, retitled)
    assert not sessions.announces_change(published, bigger)
    assert not sessions.announces_change(draft, sessions.patched(
        draft, {"title": {"en": "New"}}, False, NOW)[0])


def test_an_agenda_time_out_of_the_calendar_is_refused_not_crashed_on() -> None:
    far = fields(timezone="Asia/Tokyo", agenda=[{"key": "b", "slots": [
        {"key": "x", "kind": "panel", "starts_at": "0001-01-01T00:00",
         "ends_at": "2022-11-24T12:40"}]}], people=None)
    assert refused_at(sessions.new_session, "s1", far, NOW) == [
        ["agenda", 0, "slots", 0, "starts_at"]]
    session = sessions.new_session("s1", fields(), NOW)
    assert refused_at(sessions.patched, session, {
        "starts_at": datetime(9999, 12, 31, 23, 50, tzinfo=UTC)}, False, NOW) == [["starts_at"]]


def test_an_agency_is_shown_by_its_name_from_the_reference_data_and_its_country() -> None:
    shown = institution_view({"agency": "CL", "name": None, "country": None})
    assert shown["agency_name"] == shown["name"] == (
        "Directorate of ChileCompra, Ministry of the Treasury")
    assert shown["country"] == "CL"
    assert institution_view({"name": "SELA", "agency": None}) == {"name": "SELA", "agency": None}


def test_the_venue_is_public_and_the_join_url_secret() -> None:
    session = sessions.new_session("s1", fields(
        join_url="https://meet.example.org/secret",
        venue={"mode": "hybrid", "city": "Sucre", "country": "bo"}), NOW)
    public = session_view(session)
    assert public.join_url is None and public.venue["city"] == "Sucre"
    assert public.venue["country"] == "BO"
    assert session_view(session, include_secret=True).join_url == (
        "https://meet.example.org/secret")
