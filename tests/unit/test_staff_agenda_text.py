"""The agenda page's line format: what the secretariat types becomes the contract's people and
agenda, the page writes them back the same way, and each fault names its line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.gateway.staff.pages.sessions_agenda_render import (
    render_agenda,
    render_people,
    timetable,
)
from services.gateway.staff.pages.sessions_agenda_slots import parse_agenda, problem_at
from services.gateway.staff.pages.sessions_agenda_text import language_map, parse_people, slug
from shared.contracts.registration.programme import Block, Person
from tests.support import sela_panel

pytestmark = pytest.mark.unit
LA_PAZ = ZoneInfo("America/La_Paz")
DAY = date(2022, 11, 24)
PEOPLE_TEXT = "ana | Ana Pérez | OAS | us | Advisor\nluis | Luis Díaz"
AGENDA_TEXT = """# es: Apertura / en: Opening [opening]
09:00-09:15 | opening | es: Bienvenida | speaker: ana, moderator: luis [welcome]

# en: Regional experiences / Case studies [regional]
09:15-10:00 | panel | es: Preguntas / en: Questions / answers | speaker: ana [qa]
2022-11-25 08:00-08:30 | break [break]"""


def agenda_of(text: str, people: str = PEOPLE_TEXT) -> Any:
    declared = {p["key"] for p in parse_people(people).people}
    return parse_agenda(text, DAY, "es", declared)


def test_a_normalised_text_renders_back_as_it_was_typed() -> None:
    people, agenda = parse_people(PEOPLE_TEXT), agenda_of(AGENDA_TEXT)
    assert people.problems == [] and agenda.problems == []
    assert render_people(people.people) == PEOPLE_TEXT.replace("us |", "US |")
    assert render_agenda(agenda.agenda, LA_PAZ, DAY) == AGENDA_TEXT
    qa = agenda.agenda[1]["slots"][0]
    assert qa["title"] == {"en": "Questions / answers", "es": "Preguntas"}
    assert agenda.agenda[1]["title"] == {"en": "Regional experiences / Case studies"}
    assert agenda.agenda[1]["slots"][1]["starts_at"] == datetime(2022, 11, 25, 8, 0)
    assert agenda.lines[("agenda", 1, "slots", 1)] == 6


def test_the_sela_panel_renders_and_parses_back_to_the_same_agenda() -> None:
    text = render_agenda(sela_panel.AGENDA, LA_PAZ, DAY)
    people = parse_people(render_people(sela_panel.PEOPLE),
                          {p["key"]: p.get("bio", {}) for p in sela_panel.PEOPLE})
    agenda = parse_agenda(text, DAY, "es", {p["key"] for p in people.people})
    assert people.problems == [] and agenda.problems == []
    assert [Person.model_validate(p) for p in people.people] == [
        Person.model_validate(p) for p in sela_panel.PEOPLE]
    assert [Block.model_validate(b) for b in agenda.agenda] == [
        Block.model_validate(b) for b in sela_panel.AGENDA]


def test_times_from_the_service_are_written_on_the_sessions_clock() -> None:
    slot = {"key": "s", "kind": "opening", "starts_at": "2022-11-24T16:30:00Z",
            "ends_at": datetime(2022, 11, 24, 16, 35, tzinfo=UTC)}
    assert render_agenda([{"key": "b", "slots": [slot]}], LA_PAZ, DAY) == (
        "# [b]\n12:30-12:35 | opening [s]")


def test_keys_left_out_are_made_from_titles_and_names_and_kept_unique() -> None:
    people = parse_people("Ana Pérez\n | Ana Perez | OAS\nana-perez-2 | Other")
    assert [p["key"] for p in people.people] == ["ana-perez", "ana-perez-3", "ana-perez-2"]
    agenda = agenda_of("09:00-09:10 | opening | Bienvenida\n09:10-09:20 | opening | Bienvenida"
                       "\n09:20-09:30 | break")
    assert [s["key"] for s in agenda.agenda[0]["slots"]] == [
        "bienvenida", "bienvenida-2", "break"]
    assert agenda.agenda[0]["key"] == "part"
    assert slug("Ñandú Ça & Co.") == "nandu-ca-co"


def test_a_title_without_a_language_is_in_the_sessions_first_language() -> None:
    assert language_map("Welcome", "en") == {"en": "Welcome"}
    assert language_map("es: Hola / es: Otra", "en") is None
    assert language_map("en: Hi / fr: ", "en") is None


@pytest.mark.parametrize(("line", "message"), [
    ("09:00 | opening", "the end time is missing"),
    ("09:00- | opening", "the end time is missing"),
    ("9 to 10 | opening", "write the times as start-end"),
    ("25:00-26:00 | opening", "is not a date or time of day"),
    ("09:00-10:00 | talk", "is not one of the kinds"),
    ("09:00-10:00", "a slot is written as"),
    ("09:00-10:00 | panel | Debate | speaker: nobody", "no one in People has the key"),
    ("09:00-10:00 | panel | Debate | ana", "give each person a role"),
    ("09:00-10:00 | panel [Not A Key]", "a key in brackets"),
    ("# es: A / es: B", "give each language of the title once"),
    ("# en: Empty part", "this part has no slots"),
])
def test_each_fault_names_its_line(line: str, message: str) -> None:
    parsed = agenda_of(f"# [first]\n09:00-09:10 | opening\n{line}")
    assert [(p.name, p.line) for p in parsed.problems] == [("agenda", 3)]
    assert message in parsed.problems[0].message


@pytest.mark.parametrize(("line", "message"), [
    ("Bad Key | Ana", "a key is up to 40"),
    ("ana |", "the name is missing"),
    ("ana | Ana | OAS | USA", "two-letter ISO code"),
    ("a | b | c | US | e | f", "at most five parts"),
])
def test_each_person_fault_names_its_line(line: str, message: str) -> None:
    parsed = parse_people(f"luis | Luis\n{line}")
    assert [(p.name, p.line) for p in parsed.problems] == [("people", 2)]
    assert message in parsed.problems[0].message


def test_a_refusal_of_the_service_is_shown_at_the_line_that_made_the_slot() -> None:
    parsed = agenda_of(AGENDA_TEXT)
    problem = problem_at(["agenda", 1, "slots", 0, "starts_at"], parsed.lines)
    assert (problem.name, problem.line) == ("agenda", 5) and "starts outside" in problem.message
    person = problem_at(["agenda", 0, "slots", 0, "people", 1, "person"], parsed.lines)
    assert person.line == 2 and "keys given in People" in person.message
    assert problem_at(["agenda", 1, "key"], parsed.lines).line == 4
    people = parse_people(PEOPLE_TEXT)
    assert problem_at(["people", 1, "key"], people.lines).line == 2
    assert problem_at(["agenda"], parsed.lines).line == 0


def test_the_timetable_shows_local_times_titles_in_the_readers_language_and_names() -> None:
    agenda = [{"key": "b", "title": {"es": "Apertura", "en": "Opening"}, "slots": [
        {"key": "s", "kind": "opening", "title": {"es": "Bienvenida"},
         "starts_at": "2022-11-24T16:30:00Z", "ends_at": "2022-11-24T16:35:00Z",
         "people": [{"person": "ana", "role": "speaker"}]}]}]
    [block] = timetable(agenda, [{"key": "ana", "name": "Ana Pérez"}], LA_PAZ, "en")
    assert block.title == "Opening"
    [slot] = block.slots
    assert (slot.day, slot.hours, slot.title, slot.kind, slot.people) == (
        "2022-11-24", "12:30–12:35", "Bienvenida", "Opening", [("Ana Pérez", "Speaker")])
