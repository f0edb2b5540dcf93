"""The rules of gatherings (the API's events), without I/O: what a draft needs, the rules an
edit keeps, dates from parts, and the numbers over parts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from services.registration.domain import gatherings as rules
from services.registration.domain.errors import Refusal
from shared.contracts.registration.gatherings import GatheringFields

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def fields(**changes: Any) -> GatheringFields:
    body: dict[str, Any] = {"title": {"en": "Seminar"}, "kind": "seminar"}
    return GatheringFields.model_validate(body | changes)


def refused_field(error: Refusal) -> str:
    return str(error.details["errors"][0]["loc"][0])  # type: ignore[index]


def test_a_new_gathering_is_a_draft_registered_per_part() -> None:
    draft = rules.new_gathering("g1", fields(), NOW)
    assert draft["status"] == "draft" and draft["registration"] == "per_part"
    assert draft["date_precision"] == "day" and draft["rev"] == 0


def test_a_gathering_needs_a_title_and_a_kind() -> None:
    with pytest.raises(Refusal) as refused:
        rules.new_gathering("g1", GatheringFields(title={"en": "x"}), NOW)
    assert refused_field(refused.value) == "kind"


def test_an_edition_needs_its_series() -> None:
    with pytest.raises(Refusal) as refused:
        rules.new_gathering("g1", fields(edition={"number": 3, "label": "III"}), NOW)
    assert refused_field(refused.value) == "edition"


def test_a_series_is_no_edition() -> None:
    with pytest.raises(Refusal) as refused:
        rules.new_gathering("g1", fields(kind="series", series_id="s0"), NOW)
    assert refused_field(refused.value) == "series_id"


def test_it_ends_on_or_after_it_starts() -> None:
    assert rules.dates_are_in_order("2005-06-20", "2005-06-20")
    assert not rules.dates_are_in_order("2005-06-23", "2005-06-20")
    with pytest.raises(Refusal) as refused:
        rules.new_gathering("g1", fields(starts_on="2005-06-23", ends_on="2005-06-20"), NOW)
    assert refused_field(refused.value) == "ends_on"


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(Refusal) as refused:
        rules.new_gathering("g1", fields(timezone="Mars/Olympus"), NOW)
    assert refused_field(refused.value) == "timezone"


def test_a_patch_keeps_the_rules_and_bumps_rev() -> None:
    draft = rules.new_gathering("g1", fields(), NOW)
    after = rules.patched(draft, fields(registration="whole_event"), NOW)
    assert after["rev"] == 1 and rules.registers_as_a_whole(after)
    with pytest.raises(Refusal):
        rules.patched(draft, GatheringFields(title={"en": "  "}), NOW)


def test_only_a_series_may_be_named_a_series() -> None:
    assert rules.may_be_a_series({"kind": "series"})
    assert not rules.may_be_a_series({"kind": "seminar"})
    assert not rules.may_be_a_series(None)


def test_drafts_are_shown_to_the_secretariat_only() -> None:
    assert not rules.is_shown({"status": "draft"}, include_drafts=False)
    assert rules.is_shown({"status": "draft"}, include_drafts=True)
    assert rules.is_shown({"status": "published"}, include_drafts=False)


def test_dates_come_from_the_parts_in_their_own_time_zone() -> None:
    parts = [{"starts_at": datetime(2005, 6, 20, 13, tzinfo=UTC),
              "ends_at": datetime(2005, 6, 20, 22, tzinfo=UTC), "timezone": "America/Santiago"},
             {"starts_at": datetime(2005, 6, 23, 13, tzinfo=UTC),
              "ends_at": datetime(2005, 6, 24, 1, tzinfo=UTC), "timezone": "America/Santiago"}]
    # 01:00 UTC on the 24th is still the 23rd in Santiago (UTC-4 in June).
    assert rules.span({}, parts) == (date(2005, 6, 20), date(2005, 6, 23))
    declared = {"starts_on": "2004-09-01", "ends_on": "2004-09-30"}
    assert rules.span(declared, []) == (date(2004, 9, 1), date(2004, 9, 30))
    assert rules.span({}, []) == (None, None)


def test_people_are_counted_once_across_parts_and_small_cells_hidden() -> None:
    registrations = [
        *({"email_key": f"p{n}", "country": "CL", "attendance": "attended"} for n in range(5)),
        *({"email_key": f"p{n}", "country": "CL", "attendance": None} for n in range(5)),
        {"email_key": "q", "country": "PE", "attendance": None},
    ]
    stats = rules.statistics(4, registrations, {"participants": 38, "countries": ["CL"]})
    assert (stats.parts, stats.registered, stats.attended, stats.countries) == (4, 6, 5, 2)
    assert stats.by_country == {"CL": 5, "PE": None}
    assert stats.reported is not None and stats.reported.participants == 38


def test_text_in_the_language_asked_or_the_first_there_is() -> None:
    assert rules.localized({"es": "Seminario", "en": "Seminar"}, "en") == "Seminar"
    assert rules.localized({"es": "Seminario", "en": "Seminar"}, "fr") == "Seminario"
    assert rules.localized({}, "fr") is None


def test_the_contract_refuses_unknown_kinds_and_negative_figures() -> None:
    with pytest.raises(ValidationError):
        fields(kind="party")
    with pytest.raises(ValidationError):
        fields(reported={"participants": -1})
