"""The repository: its search page (words, facets, pages) and one document's page in the
reader's language, with its language versions, files and revisions."""

from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any

from babel.units import format_unit
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter

from services.gateway.context import Gateway
from services.gateway.site import i18n
from services.gateway.site.render import Page, date_of, reader_of, render
from services.gateway.site.search_query import (
    KINDS,
    PAGE_SIZE,
    FacetOption,
    Query,
    facet_options,
    read_query,
    snippet_parts,
)
from shared.contracts.catalog.rpc import DocumentView, GetDocument, ListRevisions, RevisionList
from shared.contracts.catalog.search import SearchReply, SearchRequest
from shared.contracts.rpc import RpcFailure
from shared.reference import label as reference_label

REVISIONS_SHOWN = 20
_DOCUMENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
FILE_KINDS = {
    "application/pdf": "PDF", "text/plain": "TXT", "text/markdown": "Markdown",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "application/vnd.oasis.opendocument.text": "ODT", "video/mp4": "MP4", "audio/mpeg": "MP3"}
"""File formats by their common abbreviation, which reads the same in every language."""


@get("/search", include_in_schema=False, opt={"no_csrf": True})
async def search_page(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
                      ) -> Response[bytes]:
    """Words in every language version, facets to narrow down, newest first without words."""
    query = read_query(request.query_params)
    reply, facets = await _search_with_facets(gateway, query, reader_of(request).lang)
    return render(request, Page("search.html", {
        "query": query, "reply": reply, "facets": facets, "snippet_parts": snippet_parts,
        **_paging(query, reply)}))


async def _search_with_facets(gateway: Gateway, query: Query, lang: str
                              ) -> tuple[SearchReply, dict[str, list[FacetOption]]]:
    """The page of hits, and each facet's options. A chosen kind's counts come from a search
    without that kind, so its other values show what choosing them too would add (filters of
    one kind are alternatives)."""
    chosen = [kind for kind in KINDS if kind in query.filters]
    reply, *others = await asyncio.gather(
        _search(gateway, query.request(lang)),
        *(_search(gateway, query.request(lang, without=kind, limit=1)) for kind in chosen))
    counted_by = dict(zip(chosen, others, strict=True))
    return reply, {kind: facet_options(query, kind, counted_by.get(kind, reply).facets.get(
        kind, [])) for kind in KINDS}


async def _search(gateway: Gateway, request: SearchRequest) -> SearchReply:
    return await gateway.call("catalog", "search", request, SearchReply)


def _paging(query: Query, reply: SearchReply) -> dict[str, Any]:
    """Where this page sits among the pages, and the links to its neighbours."""
    previous = query.url(offset=max(0, query.offset - PAGE_SIZE)) if query.offset else None
    return {"page_number": query.offset // PAGE_SIZE + 1,
            "pages": max(1, -(-reply.total // PAGE_SIZE)), "previous_url": previous,
            "next_url": query.url(offset=reply.next_offset) if reply.next_offset else None}


@get("/documents/{document_id:str}", include_in_schema=False, opt={"no_csrf": True})
async def document_page(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    document_id: FromPath[str],
    revision: Annotated[int | None, QueryParameter(ge=1, le=1_000_000)] = None,
) -> Response[bytes]:
    """The document in the reader's language (or, said plainly, its original), its files,
    language versions and revisions; a withdrawn one says so with 410."""
    if not _DOCUMENT_ID.match(document_id):
        raise NotFoundException()
    reader = reader_of(request)
    try:
        view, revisions = await asyncio.gather(
            gateway.call("catalog", "get", GetDocument(
                document_id=document_id, lang=reader.lang, revision=revision), DocumentView),
            gateway.call("catalog", "revisions", ListRevisions(
                document_id=document_id, limit=REVISIONS_SHOWN), RevisionList))
    except RpcFailure as failure:
        if failure.code != "gone":
            raise  # not_found and the rest: the error page of their status
        tombstone = (failure.details or {}).get("tombstone") or {}
        return render(request, Page("document_withdrawn.html", {
            "tombstone": tombstone, "withdrawn_on": date_of(tombstone.get("withdrawn_at"))},
            status=410))
    return render(request, Page("document.html", {
        "view": view, "revisions": revisions.items, "paragraphs": paragraphs(view.body),
        "file_kind": file_kind, "file_size": file_size,
        "language_in_text": lambda code: language_in_text(code, reader.lang),
        "current_revision": next((r.revision for r in revisions.items if r.current), None)}))


def paragraphs(body: str) -> list[str]:
    """Plain text split into paragraphs at blank lines (the template escapes each one)."""
    return [part.strip() for part in re.split(r"\n\s*\n", body.replace("\r\n", "\n"))
            if part.strip()]


def language_in_text(code: str, lang: str) -> str:
    """A language's name inside a sentence: "portugués", "português", "portugais" (these
    languages write it in lower case), "Portuguese" in English."""
    name = reference_label("languages", code, lang) if code in i18n.LANGUAGES else code
    return name if lang == "en" else name.lower()


def file_kind(content_type: str) -> str:
    """'PDF', 'DOCX', ...: the format's usual abbreviation, or the subtype in capitals."""
    bare = content_type.split(";")[0].strip().lower()
    return FILE_KINDS.get(bare) or bare.rpartition("/")[2].upper()


def file_size(size: int, lang: str) -> str:
    """'1,2 MB', '340 kB', '12 byte' in the reader's language (CLDR units, powers of 1000)."""
    for unit, scale in (("digital-megabyte", 1_000_000), ("digital-kilobyte", 1_000)):
        if size >= scale:
            value = round(size / scale, 1 if size < 10 * scale else 0)
            return format_unit(value, unit, length="short", locale=lang)
    return format_unit(size, "digital-byte", length="short", locale=lang)


HANDLERS = [search_page, document_page]
