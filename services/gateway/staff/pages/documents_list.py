"""`/staff/documents`: the editors' list of documents in every status, filtered and paged.

It asks the catalog what `GET /v1/documents` asks (`rpc.catalog.list`), with the same
criteria; a filter the criteria refuse is shown at its field, with nothing listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import urlencode

from litestar import Request, Response, get
from pydantic import ValidationError

from services.gateway.context import gateway_of
from services.gateway.pages import decode_cursor, encode_cursor
from services.gateway.site.render import pick
from services.gateway.staff.pages import documents_common as common
from services.gateway.staff.pages.documents_form import TEXT_LANGUAGES, field_errors
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.catalog.editing import (
    CHANGE_POSITION,
    DocumentCriteria,
    DocumentPage,
    DocumentSummary,
    ListDocuments,
)
from shared.reference import DOCUMENT_TYPES, LANGUAGES, TOPICS, Coded

PAGE_SIZE: Final = 25
FILTERS: Final = ("status", "type", "topic", "language", "language_status", "origin",
                  "source", "title")


def _filters(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The filters as typed (one value each: the form offers one choice per kind)."""
    return {name: request.query_params.get(name, "").strip()[:100] for name in FILTERS}


def _criteria(filters: dict[str, str]) -> DocumentCriteria:
    """The catalog's criteria; a ValidationError names the filter it refuses."""
    lists = {name: [filters[name]] if filters[name] else []
             for name in ("status", "type", "topic", "language_status")}
    return DocumentCriteria.model_validate({
        **lists, "language": filters["language"] or None, "origin": filters["origin"] or None,
        "source": filters["source"] or None, "title": filters["title"]})


def _position(cursor: str) -> str | None:
    """The list position a cursor stands for (None: the first page, also for a bad one)."""
    try:
        position = decode_cursor(cursor) if cursor else None
    except ValueError:
        return None
    return position if position and re.fullmatch(CHANGE_POSITION, position) else None


def _options(vocabulary: Sequence[Coded[str]], lang: str) -> list[tuple[str, str]]:
    return sorted(((entry.code, entry.labels.for_language(lang)) for entry in vocabulary),
                  key=lambda option: option[1].casefold())


def _row(item: DocumentSummary, lang: str) -> dict[str, Any]:
    """One line of the table, in the reader's language."""
    title, title_lang = pick({str(k): v for k, v in item.title.items()}, lang)
    languages = [(code, common.language_status_label(version.status),
                  common.provenance(version, item.source))
                 for code in TEXT_LANGUAGES if (version := item.languages.get(code))]
    return {"item": item, "title": title, "title_lang": title_lang,
            "status": common.status_label(item.status), "languages": languages}


@get("/staff/documents", include_in_schema=False, guards=common.EDITORS)
async def documents(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Every document, latest change first, with the filters the API offers."""
    reader, filters = common.speak(request), _filters(request)
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    next_link = None
    kept = [(k, v) for k, v in filters.items() if v]
    try:
        criteria = _criteria(filters)
    except ValidationError as error:
        errors = field_errors([{"loc": e["loc"]} for e in error.errors()], "es")
    else:
        ask = ListDocuments(criteria=criteria, limit=PAGE_SIZE,
                            after=_position(request.query_params.get("cursor", "")))
        page = await gateway_of(request.app).call("catalog", "list", ask, DocumentPage)
        rows = [_row(item, reader.lang) for item in page.items]
        if page.next_after:
            cursor = encode_cursor(page.next_after) or ""
            next_link = "/staff/documents?" + urlencode([*kept, ("cursor", cursor)])
    languages = [(c.code, c.labels.for_language(reader.lang)) for c in LANGUAGES]
    return render_staff(request, StaffPage("documents_list.html", {
        "filters": filters, "errors": common.in_language(request, errors),
        "has_errors": bool(errors), "rows": rows,
        "next_link": next_link, "first_page": not request.query_params.get("cursor"),
        "first_link": "/staff/documents?" + urlencode(kept),
        "moment": reader.moment, "type_label": lambda c: reader.label("document_types", c),
        "type_options": _options(DOCUMENT_TYPES, reader.lang),
        "topic_options": _options(TOPICS, reader.lang),
        "language_options": languages, "language_names": dict(languages),
        "status_labels": common.STATUS_LABELS,
        "language_status_labels": common.LANGUAGE_STATUS_LABELS}))


HANDLERS = [documents]
