"""The rules of the network in numbers, without I/O: who counts, held sessions, coverage,
small cells, people keyed by a hash, and baselines added only where adding means something."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.numbers.domain import figures, rules
from services.numbers.domain.facts import DocumentFact, PlaceFact, SessionFact
from services.registration.domain.rules import SUPPRESS_BELOW as REGISTRATION_THRESHOLD
from shared.contracts.numbers.rpc import Baseline
from shared.reference import region_of

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def session(sid: str, *, ended: bool = True, cancelled: bool = False,
            countries: tuple[str, ...] = ("CL",)) -> SessionFact:
    end = NOW - timedelta(hours=1) if ended else NOW + timedelta(hours=1)
    return SessionFact(sid, "webinar", ("e_procurement",), countries,
                       datetime(2025, 5, 1, tzinfo=UTC), end, cancelled)


def place(rid: str, person: str, sid: str = "s1", country: str = "CL",
          takes_part: bool = True, gender: str | None = "female") -> PlaceFact:
    return PlaceFact(rid, sid, person, country, "public_sector", gender, takes_part)


def document(did: str, settled: tuple[str, ...] = ("es", "en"),
             published: bool = True) -> DocumentFact:
    return DocumentFact(did, 1, "guide", ("es", "en"), settled, 2024, published)


def test_the_threshold_is_registration_s() -> None:
    assert rules.SUPPRESS_BELOW == REGISTRATION_THRESHOLD


def test_a_person_is_keyed_by_a_secret_hash_of_the_normalised_address() -> None:
    key = rules.person_key("s" * 32, " Ana@Example.org ")
    assert key == rules.person_key("s" * 32, "ana@example.org")
    assert key != rules.person_key("t" * 32, "ana@example.org")
    assert "ana" not in key and len(key) == 64


def test_only_places_held_or_attended_count() -> None:
    assert all(rules.place_counts(k) for k in ("confirmed", "promoted", "attended"))
    assert not any(rules.place_counts(k) for k in (
        "no_show", "cancelled", "waitlisted", "pending", "expired", "rejected"))


def test_a_session_is_held_once_over_and_never_when_cancelled() -> None:
    assert rules.session_was_held(session("a"), NOW)
    assert not rules.session_was_held(session("a", ended=False), NOW)
    assert not rules.session_was_held(session("a", cancelled=True), NOW)


def test_a_document_is_covered_with_spanish_and_english_settled() -> None:
    assert rules.document_is_covered(document("d"))
    assert not rules.document_is_covered(document("d", settled=("es",)))


def test_small_cells_are_suppressed() -> None:
    assert rules.suppress_small({"CL": 4, "PA": 5}) == {"CL": None, "PA": 5}


def test_people_count_once_per_cell_whatever_the_sessions() -> None:
    held = [session("s1"), session("s2")]
    places = [place(f"r{n}", f"p{n}") for n in range(5)]
    places += [place("again", "p0", sid="s2"),  # the same person in another session
               place("gone", "p9", takes_part=False),
               place("later", "p8", sid="future"),
               place("pa", "p7", country="PA", gender=None)]
    people = figures.participant_figures(places, held, region_of)
    assert people.unique == 6 and people.countries == 2
    assert people.by_country == {"CL": 5, "PA": None}
    assert people.by_gender == {"female": 5, "unknown": None}
    assert people.by_region == {region_of("CL"): 5, region_of("PA"): None}


def test_sessions_count_under_each_topic_and_region_and_are_not_suppressed() -> None:
    held = figures.held_sessions([session("a", countries=("CL", "PA")), session("b", countries=()),
                                  session("c", cancelled=True)], NOW)
    counted = figures.session_figures(held, region_of)
    assert counted.held == 2 and counted.by_year == {"2025": 2}
    assert counted.by_region == {region_of("CL"): 1, region_of("PA"): 1, "unknown": 1}


def test_coverage_is_the_share_of_published_documents() -> None:
    published = [document("a"), document("b", settled=("es",)), document("c"),
                 document("d", settled=())]
    assert figures.translation_figures(published, []).coverage == 0.5


def test_baselines_are_added_only_to_their_live_figure() -> None:
    def baseline(figure: str, value: int) -> Baseline:
        return Baseline.model_validate({"id": figure, "figure": figure, "value": value,
                                        "source": "INGP", "as_of": date(2024, 1, 1),
                                        "recorded_at": NOW})
    combined = figures.combined({"sessions_held": 3, "publications": 2, "participants": 10},
                                [baseline("sessions_held", 200), baseline("countries", 32),
                                 baseline("participants", 9000),
                                 baseline("participants", 7000)])
    assert combined["sessions_held"].total == 203
    assert combined["participants"].model_dump() == {"live": 10, "baseline": 16000,
                                                     "total": 16010}
    assert combined["publications"].total == 2 and "countries" not in combined
