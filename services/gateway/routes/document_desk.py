"""`GET /v1/documents`: the editors' list of documents in every status (the public searches
published ones at `/v1/search`). Mounted with the other document routes (`documents.py`).

Every fault in the query is a 422 naming its parameter, the cursor included: the list is
filled from a form, and the form wants to say which field is wrong."""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import QueryParameter
from pydantic import ValidationError

from services.gateway.auth import SECURITY, requires_role
from services.gateway.context import Gateway
from services.gateway.pages import DEFAULT_LIMIT, Page
from services.gateway.problems import invalid_field, problem, problem_responses
from shared.contracts.catalog.editing import (
    CHANGE_POSITION,
    MAX_PAGE,
    MAX_TITLE_QUERY,
    DocumentCriteria,
    DocumentPage,
    DocumentSummary,
    ListDocuments,
    Origin,
)
from shared.contracts.catalog.events import SOURCE_PATTERN
from shared.contracts.catalog.rpc import DocumentStatus, LanguageStatus
from shared.reference import DocumentType, LanguageCode, TopicCode

INVALID = "The request is not valid; `errors` says where."


def invalid_query(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's own check of the query (a status, type or limit out of its set) as a 422
    naming the parameter, as the criteria's own checks answer."""
    errors = [{**invalid_field(item), "source": "query"}
              for item in exc.extra or [] if isinstance(item, dict)]
    return problem(422, INVALID, kind="invalid-request",
                   extensions={"errors": errors}).to_response(request)


@get("/documents", summary="Documents in every status (editors)",
     guards=[requires_role("editor", "secretariat")], security=SECURITY,
     exception_handlers={ValidationException: invalid_query},
     responses=problem_responses(401, 403, 422, 503))
async def list_documents(
    gateway: NamedDependency[Gateway],
    status: Annotated[list[DocumentStatus] | None, QueryParameter(max_items=3)] = None,
    type: Annotated[list[DocumentType] | None, QueryParameter(max_items=10)] = None,
    topic: Annotated[list[TopicCode] | None, QueryParameter(max_items=10)] = None,
    language: Annotated[LanguageCode | None, QueryParameter(
        description="Only documents with a version in this language.")] = None,
    language_status: Annotated[list[LanguageStatus] | None, QueryParameter(
        max_items=4, description="With `language`: that version's status is one of these "
        "(e.g. `machine_draft` to find what awaits review).")] = None,
    origin: Annotated[Origin | None, QueryParameter(
        description="`here`: written by editors; `ingested`: sent by another system.")] = None,
    source: Annotated[str | None, QueryParameter(
        pattern=SOURCE_PATTERN, description="Sent by this system (a portal's source name): "
        "the ingest review queue.")] = None,
    title: Annotated[str, QueryParameter(max_length=MAX_TITLE_QUERY, description=(
        "Words that start words of the title, in any language; case and accents "
        "ignored."))] = "",
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, QueryParameter(pattern=CHANGE_POSITION, description=(
        "The `next_cursor` of the previous page (where it ended: the last change's time "
        "and the document's id); none for the first page."))] = None,
) -> Page[DocumentSummary]:
    """Drafts, published and withdrawn documents, latest change first, each with its title in
    every language and each language version's status and who wrote it. Filters of one kind
    are alternatives; filters of different kinds all apply."""
    criteria = _criteria(status=status or [], type=type or [], topic=topic or [],
                         language=language, language_status=language_status or [],
                         origin=origin, source=source, title=title)
    request = ListDocuments(criteria=criteria, limit=limit, after=_position(cursor))
    page = await gateway.call("catalog", "list", request, DocumentPage)
    return Page[DocumentSummary](items=page.items, next_cursor=page.next_after)


def _criteria(**values: Any) -> DocumentCriteria:
    """The criteria, or a 422 naming each parameter that breaks them."""
    try:
        return DocumentCriteria(**values)
    except ValidationError as error:
        raise problem(422, INVALID, kind="invalid-request", extensions={"errors": [
            {"field": ".".join(str(p) for p in e["loc"]) or "query", "message": e["msg"],
             "source": "query"} for e in error.errors(include_url=False, include_input=False)
        ]}) from None


def _position(cursor: str | None) -> str | None:
    """The list position a cursor stands for (the cursor is the position, whose pattern the
    document states: any cursor it allows is a place in the list); a 422 naming `cursor`
    otherwise (the query's pattern check lets a final line break through)."""
    if cursor is None:
        return None
    if not re.fullmatch(CHANGE_POSITION, cursor):
        raise problem(422, INVALID, kind="invalid-request", extensions={"errors": [{
            "field": "cursor", "message": "not a cursor this API gave out",
            "source": "query"}]})
    return cursor
