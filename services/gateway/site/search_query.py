"""The repository search page's query: read from the address, checked against the reference
data, and turned back into addresses (a filter toggled, another page) so that every control
of the page is a plain link or a GET form and works without JavaScript.

Unknown codes are dropped rather than refused: addresses are shared and bookmarked, and a
filter the vocabulary no longer knows should not break them. What cannot be read at all (a
cursor this site never gave out, an overlong query) is a 400 page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal
from urllib.parse import urlencode

from litestar.exceptions import ClientException

from services.gateway.pages import encode_cursor, offset_of
from shared.contracts.catalog.search import (
    MAX_FILTER_VALUES,
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    FacetCount,
    SearchRequest,
)
from shared.reference import DOCUMENT_TYPES, LANGUAGES, MEMBER_STATES, REGIONS, TOPICS

PAGE_SIZE: Final = 10
KINDS: Final = ("type", "topic", "country", "region", "year", "language")
"""Facet groups in the order the page shows them."""
CODES: Final[Mapping[str, frozenset[str]]] = {
    "type": frozenset(entry.code for entry in DOCUMENT_TYPES),
    "topic": frozenset(entry.code for entry in TOPICS),
    "country": frozenset(state.iso2 for state in MEMBER_STATES),
    "region": frozenset(entry.code for entry in REGIONS),
    "language": frozenset(entry.code for entry in LANGUAGES),
}
_YEAR = re.compile(r"^[12]\d{3}$")
_MARKERS = re.compile(r"(</?b>)")

Sort = Literal["relevance", "date", ""]


@dataclass(frozen=True)
class Query:
    """What the reader asked: words, filters (kind -> codes), order and first hit's offset."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: Sort = ""
    offset: int = 0

    @property
    def order(self) -> Literal["relevance", "date"]:
        """Relevance ranks nothing without words: an empty query lists the newest first."""
        if not self.q:
            return "date"
        return self.sort or "relevance"

    def request(self, lang: str, *, without: str | None = None,
                limit: int = PAGE_SIZE) -> SearchRequest:
        """The catalog's request; `without` drops one kind of filter (for its facet counts)."""
        chosen = {kind: list(codes) for kind, codes in self.filters.items() if kind != without}
        year = int(chosen.pop("year")[0]) if chosen.get("year") else None
        available_in = chosen.pop("language", [])
        return SearchRequest.model_validate({
            **chosen, "q": self.q, "lang": lang, "year_from": year, "year_to": year,
            "available_in": available_in, "sort": self.order, "offset": self.offset,
            "limit": limit})

    def url(self, **changes: Any) -> str:
        """This search's address, with `changes` (a different `filters`, `offset`, ...)."""
        query = replace(self, **changes)
        pairs = [("q", query.q)] if query.q else []
        pairs += [(kind, code) for kind in KINDS for code in query.filters.get(kind, ())]
        if query.sort:
            pairs.append(("sort", query.sort))
        if query.offset:
            pairs.append(("cursor", encode_cursor(f"o{query.offset}") or ""))
        return "/search?" + urlencode(pairs) if pairs else "/search"

    def toggled(self, kind: str, code: str) -> str:
        """The address with `code` added to or removed from the filters (back to page one).
        A year is one at a time: choosing another replaces it."""
        chosen = self.filters.get(kind, ())
        if code in chosen:
            codes = tuple(c for c in chosen if c != code)
        else:
            codes = (code,) if kind == "year" else (*chosen, code)
        return self.url(filters={**self.filters, kind: codes}, offset=0)

    def hidden_fields(self) -> list[tuple[str, str]]:
        """The filters as (name, value) pairs, kept by the search form when it is sent again."""
        return [(kind, code) for kind in KINDS for code in self.filters.get(kind, ())]


def read_query(params: Any) -> Query:
    """The query of `/search?...` (`params`: Litestar's multi-dict of query parameters)."""
    q = str(params.get("q") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise ClientException(f"The query is longer than {MAX_QUERY_CHARS} characters.")
    filters: dict[str, tuple[str, ...]] = {}
    for kind in KINDS:
        wanted = [str(v).strip() for v in params.getall(kind, [])][:MAX_FILTER_VALUES]
        kept = [code for code in dict.fromkeys(_normal(kind, v) for v in wanted) if code]
        if kept:
            filters[kind] = tuple(kept[:1] if kind == "year" else kept)
    sort = params.get("sort")
    return Query(q=q, filters=filters, sort=sort if sort in ("relevance", "date") else "",
                 offset=_offset(params.get("cursor")))


def _normal(kind: str, value: str) -> str | None:
    if kind == "year":
        return value if _YEAR.match(value) else None
    code = value.upper() if kind == "country" else value
    return code if code in CODES[kind] else None


def _offset(cursor: str | None) -> int:
    offset = offset_of(cursor, MAX_OFFSET)
    if offset is None:
        raise ClientException("The cursor is not one this site gave out.")
    return offset


@dataclass(frozen=True)
class FacetOption:
    """One value of a facet: how many hits have it, whether it is chosen, the link to toggle."""

    code: str
    count: int
    selected: bool
    url: str


def facet_options(query: Query, kind: str, counts: list[FacetCount]) -> list[FacetOption]:
    """The options of one facet group; a chosen value that no hit has is kept, so that it
    can still be removed. Years run newest first, the rest by count as the catalog sends."""
    chosen = query.filters.get(kind, ())
    found = {count.value: count.count for count in counts}
    values = [*found, *(code for code in chosen if code not in found)]
    if kind == "year":
        values.sort(reverse=True)
    return [FacetOption(code, found.get(code, 0), code in chosen, query.toggled(kind, code))
            for code in values]


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """(text, highlighted) pieces of a catalog snippet (HTML-escaped, matches in <b>...</b>).

    Only the literal markers are read as markup: every piece is unescaped back to plain text
    here and escaped again by the template, so a document's text never becomes markup."""
    parts: list[tuple[str, bool]] = []
    highlighted = False
    for piece in _MARKERS.split(snippet):
        if piece in ("<b>", "</b>"):
            highlighted = piece == "<b>"
        elif piece:
            parts.append((html.unescape(piece), highlighted))
    return parts
