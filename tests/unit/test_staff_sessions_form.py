"""The secretariat's session and message forms read as the contracts want them: wall-clock
times in the session's zone, each problem named by its input, people one a line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from services.gateway.staff.pages import sessions_form as form
from services.gateway.staff.pages import sessions_texts as texts

pytestmark = pytest.mark.unit


def typed(**changes: Any) -> dict[str, Any]:
    values = form.submitted({"title_es": "Datos", "format": "webinar", "timezone": "America/Panama",
                             "starts_at": "2027-03-01T10:00", "ends_at": "2027-03-01T12:00",
                             "capacity": "30", "visibility": "public"},
                            {"languages": ["es", "en"], "topics": ["open_data", "nonsense"]})
    return values | changes


def test_wall_clock_times_are_read_in_the_sessions_zone() -> None:
    fields, errors = form.fields_of(typed())
    assert errors == {} and fields is not None
    assert fields.starts_at == datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
    assert fields.topics == ["open_data"] and fields.capacity == 30


def test_each_problem_is_named_by_its_input() -> None:
    _, errors = form.fields_of(typed(title_es="", capacity="many", join_url="ftp://x",
                                     languages=[]))
    assert set(errors) == {"title_es", "capacity", "join_url", "languages"}
    _, errors = form.fields_of(typed(timezone="Mars/Olympus"))
    assert set(errors) == {"timezone"}


def test_the_services_field_names_map_to_inputs() -> None:
    assert form.errors_for(["ends_at", "title", "agenda.0.slots"]) == {
        "title_es": form.MESSAGES["title_es"], "ends_at": form.MESSAGES["ends_at"],
        "form": form.MESSAGES["form"]}


def test_an_empty_capacity_means_no_limit() -> None:
    fields, _ = form.fields_of(typed(capacity=""), with_times=False)
    assert fields is not None and fields.capacity is None and fields.starts_at is None


def test_a_message_needs_spanish_and_english_and_one_line_subjects() -> None:
    values = texts.message_values({"subject_es": "Hola", "subject_en": "Hi\r\nBcc: x",
                                   "body_es": "Texto", "body_en": "", "body_pt": "Olá"},
                                  ["confirmed", "rejected"])
    draft, errors = texts.draft_of(values)
    assert draft is None and set(errors) == {"subject_en", "body_en"}
    values |= {"subject_en": "Hi", "body_en": "Text"}
    draft, errors = texts.draft_of(values)
    assert errors == {} and draft is not None
    assert draft.statuses == ["confirmed"] and draft.body.pt == "Olá" and draft.subject.pt is None


def test_people_are_typed_one_a_line_as_name_and_address() -> None:
    people, wrong = texts.invitees_of("Ana Pérez <ana@example.org>\n\nonly words\n"
                                      "Bo <not-an-address>", "pt")
    assert [(p.name, p.email, p.language) for p in people] == [
        ("Ana Pérez", "ana@example.org", "pt")]
    assert wrong == [3, 4]
