"""Pure rules of search: query text, what gets indexed, and OAI-PMH request checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.catalog.search.domain.indexable import (
    available_languages,
    is_searchable,
    to_indexable,
)
from services.catalog.search.domain.query_text import Clause, clauses_of, engine_query
from services.catalog.search.oai.protocol import (
    OaiError,
    Selection,
    checked_arguments,
    decode_token,
    document_id_of,
    encode_token,
    identifier_of,
    parse_datestamp,
    selection_of,
)

pytestmark = pytest.mark.unit


def test_words_and_quoted_phrases() -> None:
    assert clauses_of('licitación "compras públicas" 2020') == [
        Clause(("licitación",)), Clause(("compras", "públicas")), Clause(("2020",))]


@pytest.mark.parametrize("text", ['title:(a OR b) AND -c^2~ *', '"', '"""', "+-&&||!(){}[]^~*?:\\/",
                                  "", "   ", "_ _"])
def test_syntax_characters_never_reach_the_engine(text: str) -> None:
    query = engine_query(clauses_of(text))
    assert all(ch.isalnum() or ch in ' +"' for ch in query)


def test_repeated_words_count_once_and_clauses_are_bounded() -> None:
    assert clauses_of("Tender tender TENDER") == [Clause(("Tender",))]
    assert len(clauses_of(" ".join(f"w{n}" for n in range(100)))) == 16


def test_every_clause_is_required_and_quoted() -> None:
    assert engine_query([Clause(("a",)), Clause(("b", "c"))]) == '+"a" +"b c"'


def test_only_published_documents_are_searchable() -> None:
    assert is_searchable({"status": "published"})
    assert not is_searchable({"status": "draft"})
    assert not is_searchable({"status": "withdrawn"})


def test_a_language_is_available_when_readable_and_titled() -> None:
    document = {"title": {"es": "Guía", "en": "Guide", "pt": "  ", "fr": "Guide"},
                "languages": {"es": {"status": "original"}, "en": {"status": "machine_draft"},
                              "fr": {"status": "missing"}}}
    assert available_languages(document) == ["es", "en"]


def test_file_text_joins_the_source_language_body() -> None:
    entry = to_indexable({"_id": "d", "type": "guide", "source_language": "es",
                          "title": {"es": "T"}, "body": {"es": "cuerpo"},
                          "countries": ["cl"], "published_on": "2020-03-04"}, ["anexo"])
    assert entry.texts["body"] == {"es": "cuerpo\nanexo"}
    assert (entry.countries, entry.year, entry.published_on) == (["CL"], 2020, "2020-03-04")


@pytest.mark.parametrize(("arguments", "code"), [
    ([], "badVerb"), ([("verb", "Nope")], "badVerb"),
    ([("verb", "Identify"), ("verb", "Identify")], "badVerb"),
    ([("verb", "Identify"), ("set", "x")], "badArgument"),
    ([("verb", "GetRecord"), ("identifier", "x")], "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "a"), ("metadataPrefix", "a")],
     "badArgument"),
    ([("verb", "ListRecords"), ("resumptionToken", "t"), ("set", "x")], "badArgument"),
])
def test_bad_requests(arguments: list[tuple[str, str]], code: str) -> None:
    with pytest.raises(OaiError) as raised:
        checked_arguments(arguments)
    assert raised.value.code == code


def test_a_resumption_token_is_exclusive_and_round_trips() -> None:
    verb, given = checked_arguments([("verb", "ListIdentifiers"), ("resumptionToken", "t")])
    assert (verb, given) == ("ListIdentifiers", {"resumptionToken": "t"})
    selection = Selection("oai_dc", "topic:msmes", parse_datestamp("2024-01-01", end=False))
    token = encode_token(selection, "doc-9", 100)
    assert decode_token(token) == Selection("oai_dc", "topic:msmes",
                                            datetime(2024, 1, 1, tzinfo=UTC), None, "doc-9", 100)
    with pytest.raises(OaiError, match="not valid"):
        decode_token("eyJ4Ijox")


def test_datestamps() -> None:
    assert parse_datestamp("2024-02-03", end=True) == datetime(
        2024, 2, 3, 23, 59, 59, 999_999, tzinfo=UTC)
    assert parse_datestamp("2024-02-03T04:05:06Z", end=False) == datetime(
        2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    for bad in ("2024-2-3", "2024-02-03T04:05:06", "tomorrow", "2024-13-01"):
        with pytest.raises(OaiError):
            parse_datestamp(bad, end=False)
    with pytest.raises(OaiError, match="later"):
        selection_of({"metadataPrefix": "oai_dc", "from": "2024-02-03", "until": "2024-02-02"})


def test_identifiers() -> None:
    assert document_id_of(identifier_of("abc")) == "abc"
    with pytest.raises(OaiError):
        document_id_of("oai:elsewhere:abc")
