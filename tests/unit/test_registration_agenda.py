"""The rules of a session's agenda, people, venue and institutions, each on its own (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.registration.domain import agenda, description

pytestmark = pytest.mark.unit
START = datetime(2022, 11, 24, 16, 30, tzinfo=UTC)  # 12:30 in La Paz


def slot(key: str, start: int, end: int, *people: str) -> dict[str, Any]:
    """A slot from `start` to `end` minutes after START."""
    return {"key": key, "kind": "presentation", "title": {},
            "starts_at": START + timedelta(minutes=start),
            "ends_at": START + timedelta(minutes=end),
            "people": [{"person": p, "role": "speaker"} for p in people]}


def session(*blocks: list[dict[str, Any]], people: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"starts_at": START, "ends_at": START + timedelta(minutes=90),
            "people": [{"key": p, "name": p} for p in people],
            "agenda": [{"key": f"b{i}", "slots": s} for i, s in enumerate(blocks)]}


def locs(faults: list[agenda.Fault]) -> list[list[Any]]:
    return [f["loc"] for f in faults]


def test_a_time_without_offset_is_the_wall_clock_of_the_session_zone() -> None:
    assert agenda.instant(datetime(2022, 11, 24, 12, 30), "America/La_Paz") == START


def test_a_time_with_an_offset_is_an_instant_whatever_the_zone() -> None:
    given = datetime(2022, 11, 24, 13, 30, tzinfo=UTC)
    assert agenda.instant(given, "America/La_Paz") == given
    assert agenda.instant(given, "America/La_Paz").tzinfo == UTC


def test_the_agenda_is_stored_in_utc_with_its_optional_parts() -> None:
    given = [{"key": "b", "slots": [{"key": "s", "kind": "opening",
                                     "starts_at": datetime(2022, 11, 24, 12, 30),
                                     "ends_at": datetime(2022, 11, 24, 12, 35)}]}]
    (block,) = agenda.agenda_in_utc(given, "America/La_Paz")
    assert block["title"] == {} and block["slots"][0]["people"] == []
    assert block["slots"][0]["ends_at"] == START + timedelta(minutes=5)


def test_moving_the_agenda_moves_every_slot_by_the_same_amount() -> None:
    moved = agenda.agenda_moved(session([slot("a", 0, 5), slot("b", 5, 20)])["agenda"],
                                timedelta(days=1))
    assert [s["starts_at"] for s in moved[0]["slots"]] == [
        START + timedelta(days=1), START + timedelta(days=1, minutes=5)]


def test_a_slot_ends_after_it_starts() -> None:
    assert agenda.slot_ends_after_it_starts(slot("a", 0, 5))
    assert not agenda.slot_ends_after_it_starts(slot("a", 5, 5))


def test_a_slot_lies_within_the_session() -> None:
    end = START + timedelta(minutes=90)
    assert agenda.slot_starts_within(slot("a", 0, 90), START, end)
    assert agenda.slot_ends_within(slot("a", 0, 90), START, end)
    assert not agenda.slot_starts_within(slot("a", -5, 10), START, end)
    assert not agenda.slot_ends_within(slot("a", 80, 95), START, end)


def test_slots_that_touch_do_not_overlap() -> None:
    assert not agenda.slots_overlap(slot("a", 0, 15), slot("b", 15, 30))
    assert agenda.slots_overlap(slot("a", 0, 15), slot("b", 10, 30))


def test_repeated_keys_are_found_where_they_repeat() -> None:
    assert agenda.repeated(["a", "b", "a", "a"]) == [2, 3]


def test_a_person_is_declared_by_key() -> None:
    assert agenda.person_is_declared("ana", [{"key": "ana"}])
    assert not agenda.person_is_declared("bob", [{"key": "ana"}])


def test_a_good_agenda_has_no_faults() -> None:
    good = session([slot("a", 0, 5, "ana")], [slot("b", 5, 20), slot("c", 20, 35)],
                   people=("ana",))
    assert agenda.agenda_faults(good) == [] and agenda.people_faults(good["people"]) == []


def test_an_overlapping_slot_is_named_by_its_start() -> None:
    faults = agenda.agenda_faults(session([slot("a", 0, 20)], [slot("b", 0, 15),
                                                               slot("c", 10, 30)]))
    assert locs(faults) == [["agenda", 1, "slots", 1, "starts_at"]]
    assert "'b'" in faults[0]["msg"]


def test_slots_of_different_blocks_may_overlap() -> None:
    assert agenda.agenda_faults(session([slot("a", 0, 20)], [slot("b", 0, 20)])) == []


def test_a_slot_outside_the_session_is_named_by_the_time_outside() -> None:
    assert locs(agenda.agenda_faults(session([slot("a", -5, 5), slot("b", 80, 100)]))) == [
        ["agenda", 0, "slots", 0, "starts_at"], ["agenda", 0, "slots", 1, "ends_at"]]


def test_a_slot_ending_before_it_starts_is_named_by_its_end() -> None:
    assert ["agenda", 0, "slots", 0, "ends_at"] in locs(
        agenda.agenda_faults(session([slot("a", 20, 10)])))


def test_an_undeclared_person_is_named_where_referenced() -> None:
    faults = agenda.agenda_faults(session([slot("a", 0, 5, "ana", "bob")], people=("ana",)))
    assert locs(faults) == [["agenda", 0, "slots", 0, "people", 1, "person"]]


def test_keys_are_unique_for_people_blocks_and_slots_across_the_session() -> None:
    twice = session([slot("a", 0, 5)], [slot("a", 5, 10)])
    twice["agenda"][1]["key"] = "b0"
    assert locs(agenda.agenda_faults(twice)) == [
        ["agenda", 1, "key"], ["agenda", 1, "slots", 0, "key"]]
    assert locs(agenda.people_faults([{"key": "ana"}, {"key": "ana"}])) == [
        ["people", 1, "key"]]


def test_a_venue_people_travel_to_needs_city_and_country() -> None:
    assert description.venue_is_physical({"mode": "hybrid"})
    assert not description.venue_is_physical({"mode": "online"})
    assert description.venue_faults({"mode": "online"}) == []
    assert locs(description.venue_faults({"mode": "in_person", "country": "BO"})) == [
        ["venue", "city"]]
    assert locs(description.venue_faults({"mode": "hybrid", "city": "Sucre"})) == [
        ["venue", "country"]]


def test_an_institution_is_named_by_name_or_agency() -> None:
    assert description.institution_is_named({"name": "SELA"})
    assert description.institution_is_named({"agency": "CL"})
    assert not description.institution_is_named({"acronym": "X"})


def test_an_agency_belongs_to_a_member_state() -> None:
    assert description.agency_is_a_member_state("CL")
    assert not description.agency_is_a_member_state("FR")


def test_institution_faults_name_the_list_and_the_field() -> None:
    faults = description.institution_faults({
        "organisers": [{"name": "SELA"}, {"acronym": "X"}], "partners": [{"agency": "FR"}]})
    assert locs(faults) == [["organisers", 1, "name"], ["partners", 0, "agency"]]


def test_a_time_beyond_the_calendar_in_utc_is_not_placeable() -> None:
    assert agenda.is_a_placeable_time(datetime(2022, 11, 24, 12, 30), "America/La_Paz")
    assert not agenda.is_a_placeable_time(datetime(1, 1, 1), "Asia/Tokyo")
    far = [{"key": "b", "slots": [{"starts_at": datetime(1, 1, 1),
                                   "ends_at": datetime(2022, 1, 1)}]}]
    assert locs(agenda.unplaceable_times(far, "Asia/Tokyo")) == [
        ["agenda", 0, "slots", 0, "starts_at"]]
