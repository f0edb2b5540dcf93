"""The embedded engine on its own (in memory, no servers): analysis, ranking, facets."""

from __future__ import annotations

from typing import Any

import pytest

from services.catalog.search.domain.indexable import to_indexable
from services.catalog.search.engine import SearchEngine
from shared.contracts.catalog.search import SearchRequest

pytestmark = pytest.mark.unit


def doc(doc_id: str, source: str, title: str, body: str = "", **extra: Any) -> dict[str, Any]:
    return {"_id": doc_id, "status": "published", "type": extra.pop("type", "study"),
            "source_language": source, "title": {source: title}, "body": {source: body},
            "languages": {source: {"status": "original"}}, **extra}


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    engine = SearchEngine()
    engine.apply([to_indexable(d) for d in (
        doc("es", "es", "Licitaciones públicas", "compras públicas en la región", year=2020),
        doc("fr", "fr", "Marchés publics", "les marchés publics durables", type="guide"),
        doc("en-title", "en", "Framework agreements", "nothing else"),
        doc("en-body", "en", "Other things", "framework agreements appear in the body"),
    )])
    return engine


def found(engine: SearchEngine, q: str, **filters: Any) -> list[str]:
    return [hit.id for hit in engine.search(SearchRequest(q=q, **filters)).hits]


@pytest.mark.parametrize(("q", "ids"), [
    ("licitacion", ["es"]), ("LICITACIÓN", ["es"]), ("marche", ["fr"]),
    ('"compras publicas"', ["es"]), ('"publicas compras"', []), ("durable", ["fr"]),
])
def test_folding_stemming_and_phrases(engine: SearchEngine, q: str, ids: list[str]) -> None:
    assert found(engine, q) == ids


def test_title_weighs_more_than_body(engine: SearchEngine) -> None:
    assert found(engine, "framework") == ["en-title", "en-body"]


def test_replacing_and_deleting_is_idempotent(engine: SearchEngine) -> None:
    local = SearchEngine()
    entry = to_indexable(doc("x", "en", "Open contracting"))
    local.apply([entry])
    local.apply([entry])
    assert local.size() == 1
    local.apply([], ["x"])
    local.apply([], ["x"])
    assert local.size() == 0


def test_highlighted_snippets_escape_html() -> None:
    local = SearchEngine()
    local.apply([to_indexable(doc("x", "en", "Title", "<script>tender</script> offers"))])
    hit = local.search(SearchRequest(q="tender")).hits[0]
    assert "<script>" not in hit.snippet and "<b>tender</b>" in hit.snippet


def test_keep_only_drops_what_is_no_longer_published() -> None:
    local = SearchEngine()
    local.apply([to_indexable(doc(i, "en", f"Title {i}")) for i in ("a", "b", "c")])
    assert local.keep_only({"a", "c", "z"}) == 1
    assert sorted(h.id for h in local.search(SearchRequest()).hits) == ["a", "c"]
