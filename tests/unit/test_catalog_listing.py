"""The editors' list of documents without I/O: title terms, positions, who wrote a language
version, and the MongoDB filter each set of criteria makes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.catalog.domain import documents as rules
from services.catalog.domain.listing import (
    change_position,
    produced_by,
    query_terms,
    title_terms,
    version_states,
)
from services.catalog.domain.translations import translated
from services.catalog.store.listing import listing_fields, listing_indexes, listing_query
from shared.contracts.catalog.editing import CHANGE_POSITION, DocumentCriteria

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
DRAFT = {"type": "guide", "source_language": "es", "title": {"es": "Región de compras"}}


def test_title_terms_are_word_prefixes_without_case_or_accents() -> None:
    terms = title_terms({"es": "Región de Compras", "en": "Open data"})
    assert {"reg", "regi", "regio", "region", "de", "com", "compras", "open", "dat",
            "data"} <= set(terms)
    assert "re" not in terms and "Región" not in terms and len(terms) == len(set(terms))


def test_a_long_word_is_found_by_its_first_twenty_characters() -> None:
    word = "interinstitucionalidades"
    assert query_terms(word) == [word[:20]] and word[:20] in title_terms({"es": word})


def test_a_query_is_its_folded_words_each_once_at_most_eight() -> None:
    assert query_terms("  Región, REGION; de!") == ["region", "de"]
    assert len(query_terms(" ".join(f"w{n}x" for n in range(12)))) == 8
    assert query_terms("¿?") == []


def test_positions_sort_by_change_time_then_id() -> None:
    earlier = change_position(NOW, "doc_b")
    later = change_position(NOW.replace(microsecond=1000), "doc_a")
    assert earlier < later and earlier.endswith(":doc_b")
    assert re.fullmatch(CHANGE_POSITION, later)


def test_who_wrote_each_language_version() -> None:
    mine = rules.new_document("doc_1", DRAFT, NOW, "key-1")
    assert produced_by(mine, mine["languages"]["es"]) == "editor"
    assert produced_by(mine, mine["languages"]["en"]) is None
    sent = rules.new_document("ing_1", DRAFT, NOW, None, source="chilecompra", external_id="1")
    assert produced_by(sent, sent["languages"]["es"]) == "ingest"
    machine = translated(mine, 1, "en", {"title": "Region"}, {"engine": "argos"}, NOW)
    assert produced_by(machine, machine["languages"]["en"]) == "machine"
    checked = translated(mine, 1, "en", {"title": "Region"}, {"reviewer": "ana"}, NOW)
    assert produced_by(checked, checked["languages"]["en"]) == "translator"
    assert "en:machine_draft" in version_states(machine) and "es:original" in version_states(
        machine)


def test_the_listing_fields_follow_the_document() -> None:
    doc = rules.new_document("doc_1", DRAFT, NOW, "key-1")
    fields = listing_fields(doc)
    assert fields["changed"] == change_position(NOW, "doc_1")
    assert "compras" in fields["title_terms"] and "en:missing" in fields["version_states"]


def test_no_criteria_lists_everything_from_the_position() -> None:
    assert listing_query(DocumentCriteria(), None) == {}
    assert listing_query(DocumentCriteria(), "x") == {"changed": {"$lt": "x"}}


def test_each_criterion_is_a_condition_on_an_indexed_field() -> None:
    criteria = DocumentCriteria(status=["draft"], type=["guide", "study"], topic=["open_data"],
                                language="en", source="chilecompra", title="Región comp")
    assert listing_query(criteria, None) == {
        "status": "draft", "type": {"$in": ["guide", "study"]}, "topics": "open_data",
        "version_states": {"$in": ["en:original", "en:machine_draft", "en:reviewed"]},
        "source": "chilecompra", "title_terms": {"$all": ["region", "comp"]}}
    indexed = {spec.keys[0][0] for spec in listing_indexes("documents")}
    assert set(listing_query(criteria, "x")) <= indexed
    assert all(spec.keys[-1] == ("changed", -1) for spec in listing_indexes("documents"))


def test_origin_and_language_status() -> None:
    assert listing_query(DocumentCriteria(origin="here"), None) == {"source": None}
    assert listing_query(DocumentCriteria(origin="ingested"), None) == {"source": {"$gt": ""}}
    waiting = DocumentCriteria(language="pt", language_status=["machine_draft", "missing"])
    assert listing_query(waiting, None) == {
        "version_states": {"$in": ["pt:machine_draft", "pt:missing"]}}


@pytest.mark.parametrize(("values", "field"), [
    ({"language_status": ["reviewed"]}, "language_status"),
    ({"origin": "here", "source": "chilecompra"}, "source"),
    ({"source": "Not A Source"}, "source"),
    ({"status": ["archived"]}, "status"),
    ({"title": "x" * 101}, "title"),
])
def test_inconsistent_criteria_are_refused_naming_the_field(values: dict[str, object],
                                                            field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        DocumentCriteria.model_validate(values)
    assert [error["loc"][0] for error in refused.value.errors()] == [field]
