"""The embedded search engine: a tantivy index derived from MongoDB, queried in threads."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable
from pathlib import Path

import tantivy

from services.catalog.search.domain.indexable import IndexableDocument
from services.catalog.search.domain.query_text import clauses_of, engine_query
from services.catalog.search.facets import facet_aggregation, read_facets
from services.catalog.search.index_schema import (
    SESSION_FIELD,
    all_text_fields,
    build_schema,
    field_boosts,
    register_analyzers,
    text_field,
    to_engine_document,
)
from shared.contracts.catalog.search import MAX_OFFSET, SearchHit, SearchReply, SearchRequest

WRITER_HEAP = 64_000_000
SNIPPET_CHARS = 240


class SearchEngine:
    """One index per process. Writes are serialised; searches run beside them."""

    def __init__(self, path: Path | None = None) -> None:
        self.schema = build_schema()
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path) if path else None, reuse=False)
        register_analyzers(self.index)
        self._writer = self.index.writer(WRITER_HEAP, 1)
        self._write_lock = threading.Lock()

    def apply(self, upserts: Iterable[IndexableDocument], deletes: Iterable[str] = ()) -> int:
        """Replace or remove documents by id and make the change visible; idempotent."""
        count = 0
        with self._write_lock:
            for document_id in deletes:
                self._writer.delete_documents_by_term("id", document_id)
            for entry in upserts:
                self._writer.delete_documents_by_term("id", entry.id)
                self._writer.add_document(to_engine_document(entry))
                count += 1
            self._writer.commit()
        self.index.reload()
        return count

    def keep_only(self, ids: set[str]) -> int:
        """Remove every document whose id is not in `ids`; how many were removed."""
        searcher = self.index.searcher()
        everything = searcher.search(tantivy.Query.all_query(), max(1, searcher.num_docs),
                                     count=False)
        indexed = {_first(searcher.doc(address).to_dict(), "id") for _, address in everything.hits}
        stale = indexed - ids
        if stale:
            self.apply((), stale)
        return len(stale)

    def size(self) -> int:
        return int(self.index.searcher().num_docs)

    def search(self, request: SearchRequest) -> SearchReply:
        """Hits of the asked page, the total and the facets of every filtered hit."""
        searcher = self.index.searcher()
        text_query = self._text_query(request.q)
        query = self._with_filters(text_query, request)
        by_date = request.sort == "date"
        result = searcher.search(query, request.limit, count=True, offset=request.offset,
                                 order_by_field="date_key" if by_date else None,
                                 order=tantivy.Order.Desc)
        snippets = _Snippets(searcher, text_query, self.schema) if text_query else None
        hits = [self._hit(searcher.doc(address), score, request, snippets)
                for score, address in result.hits]
        total = int(getattr(result, "count", 0) or 0)
        following = request.offset + request.limit
        return SearchReply(
            hits=hits, total=total,
            next_offset=following if following < total and following <= MAX_OFFSET else None,
            facets=read_facets(searcher.aggregate(query, facet_aggregation())),
        )

    def _text_query(self, text: str) -> tantivy.Query | None:
        clauses = clauses_of(text)
        if not clauses:
            return None
        return self.index.parse_query(engine_query(clauses), all_text_fields(), field_boosts())

    def _with_filters(self, text_query: tantivy.Query | None,
                      request: SearchRequest) -> tantivy.Query:
        musts = [text_query] if text_query is not None else []
        for field, values in (("type", request.type), ("topic", request.topic),
                              ("country", [c.upper() for c in request.country]),
                              ("region", request.region), ("language", request.available_in)):
            if values:
                musts.append(tantivy.Query.term_set_query(self.schema, field, list(values)))
        if request.session is not None:
            musts.append(tantivy.Query.term_query(self.schema, SESSION_FIELD, request.session))
        if request.year_from is not None or request.year_to is not None:
            musts.append(tantivy.Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer, request.year_from,
                request.year_to))
        if not musts:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in musts])

    def _hit(self, document: tantivy.Document, score: float, request: SearchRequest,
             snippets: _Snippets | None) -> SearchHit:
        stored = document.to_dict()
        languages = [str(lang) for lang in stored.get("language", [])]
        source = _first(stored, "source_language") or (languages[0] if languages else "es")
        shown = request.lang if request.lang in languages else source
        title_language = shown if _first(stored, text_field("title", shown)) else source
        snippet_text, snippet_language = "", shown
        if snippets is not None:
            snippet_text, snippet_language = snippets.best(document, [shown, source, *languages])
        if not snippet_text:
            summary = _first(stored, text_field("summary", shown)) or _first(
                stored, text_field("body", shown))
            snippet_text = html.escape(summary[:SNIPPET_CHARS])
        return SearchHit(
            id=_first(stored, "id"), type=_first(stored, "type"),
            title=_first(stored, text_field("title", title_language)),
            title_language=title_language, snippet=snippet_text,
            snippet_language=snippet_language, languages=languages,
            published_on=_first(stored, "published_on") or None,
            score=None if request.sort == "date" else float(score),
            session_id=_first(stored, SESSION_FIELD) or None,
            slot=_first(stored, "slot") or None, url=_first(stored, "url") or None,
        )


class _Snippets:
    """Highlighted fragments, one generator per field, made when first needed."""

    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query,
                 schema: tantivy.Schema) -> None:
        self._searcher, self._query, self._schema = searcher, query, schema
        self._generators: dict[str, tantivy.SnippetGenerator] = {}

    def best(self, document: tantivy.Document, languages: list[str]) -> tuple[str, str]:
        """The first field with a highlighted match, trying languages in the order given."""
        for language in dict.fromkeys(languages):
            for name in ("body", "summary", "title"):
                snippet = self._generator(text_field(name, language)).snippet_from_doc(document)
                if snippet.highlighted():
                    return snippet.to_html(), language
        return "", languages[0]

    def _generator(self, field: str) -> tantivy.SnippetGenerator:
        if field not in self._generators:
            generator = tantivy.SnippetGenerator.create(self._searcher, self._query,
                                                        self._schema, field)
            generator.set_max_num_chars(SNIPPET_CHARS)
            self._generators[field] = generator
        return self._generators[field]


def _first(stored: dict[str, list[object]], field: str) -> str:
    values = stored.get(field) or []
    return str(values[0]) if values else ""
