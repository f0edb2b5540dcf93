"""Unit tests for the INGP reference data package ``shared.reference``."""

import json
import re
from collections.abc import Sequence
from typing import Any, get_args

import pytest
from pydantic import BaseModel, ValidationError

from shared.reference import (
    DOCUMENT_TYPES,
    LANGUAGES,
    MEMBER_STATES,
    REGIONS,
    REQUIRED_LANGUAGES,
    SECTORS,
    SESSION_FORMATS,
    TOPICS,
    Coded,
    DocumentType,
    Labels,
    LanguageCode,
    RegionCode,
    Sector,
    SessionFormat,
    TopicCode,
    as_dict,
    is_member_state,
    label,
    member_state,
    region_of,
)

pytestmark = pytest.mark.unit

LANGS = ("es", "en", "pt", "fr")
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")

# Written out independently of the data so a slip in either is caught.
EXPECTED_REGIONS: dict[str, set[str]] = {
    "north_america": {"CA", "MX"},
    "caribbean": {
        "AG", "BS", "BB", "BZ", "DM", "GD", "GY",
        "HT", "JM", "KN", "LC", "VC", "SR", "TT",
    },
    "central_america": {"CR", "DO", "SV", "GT", "HN", "NI", "PA"},
    "andean_region": {"BO", "CO", "EC", "PE"},
    "southern_cone": {"AR", "BR", "CL", "PY", "UY"},
}  # fmt: skip

VOCABULARIES: dict[str, Sequence[Coded[str]]] = {
    "languages": LANGUAGES,
    "regions": REGIONS,
    "topics": TOPICS,
    "session_formats": SESSION_FORMATS,
    "document_types": DOCUMENT_TYPES,
    "sectors": SECTORS,
}


def test_there_are_exactly_32_member_states() -> None:
    assert len(MEMBER_STATES) == 32


def test_member_state_codes_are_unique_sorted_and_well_formed() -> None:
    codes = [state.iso2 for state in MEMBER_STATES]
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)
    for code in codes:
        assert re.fullmatch(r"[A-Z]{2}", code), code


def test_every_state_is_in_a_known_region_and_every_region_has_states() -> None:
    region_codes = {region.code for region in REGIONS}
    assert len(region_codes) == 5
    used = {state.region for state in MEMBER_STATES}
    assert used <= region_codes
    assert used == region_codes


def test_region_membership_matches_the_source_documents() -> None:
    actual: dict[str, set[str]] = {}
    for state in MEMBER_STATES:
        actual.setdefault(state.region, set()).add(state.iso2)
    assert actual == EXPECTED_REGIONS


@pytest.mark.parametrize(
    ("iso2", "region"),
    [
        ("CL", "southern_cone"),
        ("PE", "andean_region"),
        ("CA", "north_america"),
        ("MX", "north_america"),
        ("JM", "caribbean"),
        ("BZ", "caribbean"),
        ("SR", "caribbean"),
        ("DO", "central_america"),
    ],
)
def test_region_of_member_states(iso2: str, region: str) -> None:
    assert region_of(iso2) == region


@pytest.mark.parametrize("iso2", ["US", "VE", "ES", "XX", "", "USA"])
def test_non_members_are_not_flagged(iso2: str) -> None:
    assert not is_member_state(iso2)
    assert member_state(iso2) is None
    assert region_of(iso2) is None


def test_agencies_and_names_are_as_given() -> None:
    argentina = member_state("AR")
    assert argentina is not None
    assert argentina.agency == "Oficina Nacional de Contrataciones (ONC)"
    assert argentina.name.es == "Argentina"
    peru = member_state("PE")
    assert peru is not None
    assert peru.agency == "State Contracting Oversight Agency (OSCE)"
    assert peru.name.es == "Perú"
    assert peru.name.fr == "Pérou"
    dominican = member_state("DO")
    assert dominican is not None
    assert dominican.name.en == "Dominican Republic"
    assert all(state.agency.strip() for state in MEMBER_STATES)


@pytest.mark.parametrize("variant", ["cl", "Cl", "cL", "CL", " cl "])
def test_lookups_are_case_insensitive(variant: str) -> None:
    chile = member_state(variant)
    assert chile is not None
    assert chile.iso2 == "CL"
    assert chile.name.en == "Chile"
    assert is_member_state(variant)
    assert region_of(variant) == "southern_cone"
    assert label("member_states", variant, "fr") == "Chili"


def test_every_label_exists_in_all_four_languages() -> None:
    all_labels: list[Labels] = [state.name for state in MEMBER_STATES]
    for entries in VOCABULARIES.values():
        all_labels.extend(entry.labels for entry in entries)
    for labels in all_labels:
        for lang in LANGS:
            text = labels.for_language(lang)
            assert text == text.strip() and text, (labels, lang)


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_codes_are_snake_case_and_unique(name: str) -> None:
    codes = [entry.code for entry in VOCABULARIES[name]]
    assert codes
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert SNAKE_CASE.fullmatch(code), code


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_labels_are_unique_within_a_vocabulary(name: str) -> None:
    for lang in LANGS:
        texts = [e.labels.for_language(lang) for e in VOCABULARIES[name]]
        assert len(set(texts)) == len(texts), (name, lang)


@pytest.mark.parametrize(
    ("alias", "entries"),
    [
        (LanguageCode, LANGUAGES),
        (RegionCode, REGIONS),
        (TopicCode, TOPICS),
        (SessionFormat, SESSION_FORMATS),
        (DocumentType, DOCUMENT_TYPES),
        (Sector, SECTORS),
    ],
)
def test_literal_aliases_match_the_data(
    alias: Any, entries: Sequence[Coded[str]]
) -> None:
    literal_codes = get_args(alias)
    data_codes = tuple(entry.code for entry in entries)
    assert len(literal_codes) == len(set(literal_codes))
    assert set(literal_codes) == set(data_codes)
    assert len(literal_codes) == len(data_codes)


def test_vocabulary_sizes() -> None:
    assert len(TOPICS) == 16
    assert len(SESSION_FORMATS) == 8
    assert len(DOCUMENT_TYPES) == 12
    assert len(SECTORS) == 6


def test_languages_and_required_languages() -> None:
    assert tuple(lang.code for lang in LANGUAGES) == LANGS
    assert REQUIRED_LANGUAGES == ("es", "en")
    assert set(REQUIRED_LANGUAGES) <= set(get_args(LanguageCode))


def test_label_resolves_codes() -> None:
    assert label("topics", "msmes", "es") == "MIPYMES como proveedoras del Estado"
    assert label("topics", "msmes", "en") == "MSMEs as state suppliers"
    assert label("regions", "southern_cone", "es") == "Cono Sur"
    assert label("session_formats", "webinar", "fr") == "Webinaire"
    assert label("sectors", "civil_society", "pt") == "Sociedade civil"
    assert label("document_types", "case_study", "EN") == "Case study"
    assert label("languages", "pt", "es") == "Portugués"


@pytest.mark.parametrize(
    ("vocabulary", "code", "lang"),
    [
        ("colours", "red", "es"),
        ("topics", "not_a_topic", "es"),
        ("topics", "MSMES", "es"),
        ("topics", "msmes", "de"),
        ("member_states", "US", "en"),
    ],
)
def test_label_rejects_unknown_input(vocabulary: str, code: str, lang: str) -> None:
    with pytest.raises(KeyError):
        label(vocabulary, code, lang)


def test_models_are_frozen_and_validated() -> None:
    chile = member_state("CL")
    assert chile is not None
    with pytest.raises(ValidationError):
        chile.agency = "changed"
    with pytest.raises(ValidationError):
        Labels(es=" ", en="x", pt="x", fr="x")
    with pytest.raises(ValidationError):
        Coded[TopicCode](code="bogus", labels=TOPICS[0].labels)  # type: ignore[arg-type]


def test_aliases_validate_fields_of_other_models() -> None:
    class Session(BaseModel):
        topic: TopicCode
        format: SessionFormat
        language: LanguageCode
        entry: Coded[TopicCode]

    session = Session(topic="open_data", format="panel", language="pt", entry=TOPICS[0])
    assert session.entry.code == "e_procurement"
    with pytest.raises(ValidationError):
        Session(topic="gardening", format="panel", language="pt", entry=TOPICS[0])  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Session(topic="open_data", format="panel", language="de", entry=TOPICS[0])  # type: ignore[arg-type]


def test_as_dict_round_trips_through_json() -> None:
    data = as_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert len(data["member_states"]) == 32
    assert data["required_languages"] == ["es", "en"]
    assert [t["code"] for t in data["topics"]] == [t.code for t in TOPICS]
    chile = next(s for s in data["member_states"] if s["iso2"] == "CL")
    assert chile["region"] == "southern_cone"
    assert chile["name"]["fr"] == "Chili"
    assert set(data) == {
        "languages", "required_languages", "regions", "member_states",
        "topics", "session_formats", "document_types", "sectors",
    }  # fmt: skip


def test_as_dict_returns_a_fresh_copy() -> None:
    first = as_dict()
    first["member_states"].clear()
    first["topics"][0]["labels"]["es"] = "changed"
    second = as_dict()
    assert len(second["member_states"]) == 32
    assert second["topics"][0]["labels"]["es"] == TOPICS[0].labels.es
