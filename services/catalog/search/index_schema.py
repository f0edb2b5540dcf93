"""The engine's schema: one analyzed field per text field and language, plus filter fields."""

from __future__ import annotations

from typing import Final

import tantivy

from services.catalog.search.domain.indexable import (
    SEARCH_LANGUAGES,
    TEXT_FIELDS,
    IndexableDocument,
)

STEMMERS: Final = {"es": "spanish", "en": "english", "pt": "portuguese", "fr": "french"}
BOOSTS: Final = {"title": 3.0, "summary": 1.5, "body": 1.0}
KEYWORDS: Final = ("type", "topic", "country", "region", "language")
"""Untokenized, multi-valued fast fields: filters and facets."""
SESSION_FIELD: Final = "session_id"
"""Untokenized: the `session` filter. `slot` and `url` are only stored, to be shown."""


def text_field(name: str, language: str) -> str:
    """`title_es`, `body_pt`, ..."""
    return f"{name}_{language}"


def analyzer_name(language: str) -> str:
    return f"folded_{language}"


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for language in SEARCH_LANGUAGES:
        for name in TEXT_FIELDS:
            builder.add_text_field(text_field(name, language), stored=True,
                                   tokenizer_name=analyzer_name(language))
    for keyword in KEYWORDS:
        builder.add_text_field(keyword, stored=True, fast=True, tokenizer_name="raw",
                               index_option="basic")
    builder.add_text_field(SESSION_FIELD, stored=True, tokenizer_name="raw",
                           index_option="basic")
    builder.add_text_field("slot", stored=True, index_option="basic", tokenizer_name="raw")
    builder.add_text_field("url", stored=True, index_option="basic", tokenizer_name="raw")
    builder.add_text_field("source_language", stored=True, tokenizer_name="raw")
    builder.add_text_field("published_on", stored=True, tokenizer_name="raw")
    builder.add_integer_field("year", stored=True, indexed=True, fast=True)
    builder.add_integer_field("date_key", fast=True)
    return builder.build()


def register_analyzers(index: tantivy.Index) -> None:
    """Lower-case, fold accents, then stem: `Licitaciones` and `licitacion` meet at `licit`."""
    for language, stemmer in STEMMERS.items():
        analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                    .filter(tantivy.Filter.remove_long(60))
                    .filter(tantivy.Filter.lowercase())
                    .filter(tantivy.Filter.ascii_fold())
                    .filter(tantivy.Filter.stemmer(stemmer))
                    .build())
        index.register_tokenizer(analyzer_name(language), analyzer)


def all_text_fields() -> list[str]:
    return [text_field(name, lang) for lang in SEARCH_LANGUAGES for name in TEXT_FIELDS]


def field_boosts() -> dict[str, float]:
    return {text_field(name, lang): BOOSTS[name]
            for lang in SEARCH_LANGUAGES for name in TEXT_FIELDS}


def to_engine_document(entry: IndexableDocument) -> tantivy.Document:
    document = tantivy.Document()
    document.add_text("id", entry.id)
    for name, by_language in entry.texts.items():
        for language, text in by_language.items():
            document.add_text(text_field(name, language), text)
    document.add_text("type", entry.type)
    for keyword, values in (("topic", entry.topics), ("country", entry.countries),
                            ("region", entry.regions), ("language", entry.languages)):
        for value in values:
            document.add_text(keyword, value)
    shown: tuple[tuple[str, str | None], ...] = (
        (SESSION_FIELD, entry.session_id), ("slot", entry.slot), ("url", entry.url))
    for name, stored in shown:
        if stored:
            document.add_text(name, stored)
    document.add_text("source_language", entry.source_language)
    if entry.published_on:
        document.add_text("published_on", entry.published_on)
    if entry.year is not None:
        document.add_integer("year", entry.year)
    document.add_integer("date_key", _date_key(entry))
    return document


def _date_key(entry: IndexableDocument) -> int:
    """Newest first when sorting by date; undated documents last."""
    if entry.published_on and entry.published_on[:10].replace("-", "").isdigit():
        return int(entry.published_on[:10].replace("-", ""))
    return entry.year * 10_000 if entry.year is not None else 0
