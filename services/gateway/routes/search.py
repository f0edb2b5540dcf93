"""Routes of the catalog's search and harvesting: `/v1/search` and OAI-PMH at `/oai`."""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.types import ControllerRouterHandler
from pydantic import BaseModel

from services.gateway.context import Gateway
from services.gateway.problems import problem, problem_responses
from services.gateway.routes.catalog_docs import query_items
from shared.contracts.catalog.materials import SESSION_ID_PATTERN
from shared.contracts.catalog.search import (
    MAX_FILTER_VALUES,
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    FacetCount,
    OaiReply,
    OaiRequest,
    SearchHit,
    SearchReply,
    SearchRequest,
    SortOrder,
)
from shared.reference import DocumentType, LanguageCode, RegionCode, TopicCode

COUNTRY = r"^[A-Za-z]{2}$"
"""A `country` filter: an ISO 3166-1 alpha-2 code, in either case."""
MAX_OAI_ARGUMENTS = 10
MAX_OAI_VALUE = 1_000


def at_most(number: int) -> str:
    """A regular expression for the decimal numbers from 0 to `number` (leading zeros too, as
    `int` reads them): fewer digits, or as many and smaller at the first digit that differs."""
    digits = str(number)
    shorter = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    smaller = [f"{digits[:i]}[0-{int(d) - 1}][0-9]{{{len(digits) - i - 1}}}"
               for i, d in enumerate(digits) if d != "0"]
    return "(?:" + "|".join([*shorter, *smaller, digits]) + ")"


OFFSET_CURSOR = f"^o{at_most(MAX_OFFSET)}$"
"""A search page's cursor: `o` and the hits it skips (at most `MAX_OFFSET`). Plain, so that the
document states exactly which cursors there are: every one it allows is a page."""


class SearchPage(BaseModel):
    """A page of hits, the total, and facet counts over every hit matching the filters."""

    items: list[SearchHit]
    next_cursor: str | None
    total: int
    facets: dict[str, list[FacetCount]]


@get("/search", summary="Search the repository", responses=problem_responses(400, 422, 429, 503),
     operation_class=query_items(country=COUNTRY))
async def search(
    gateway: NamedDependency[Gateway],
    q: Annotated[str, QueryParameter(max_length=MAX_QUERY_CHARS)] = "",
    lang: Annotated[LanguageCode | None, QueryParameter()] = None,
    type: Annotated[list[DocumentType] | None, QueryParameter(max_items=MAX_FILTER_VALUES)] = None,
    topic: Annotated[list[TopicCode] | None, QueryParameter(max_items=MAX_FILTER_VALUES)] = None,
    country: Annotated[list[str] | None, QueryParameter(max_items=MAX_FILTER_VALUES)] = None,
    region: Annotated[list[RegionCode] | None, QueryParameter(max_items=MAX_FILTER_VALUES)] = None,
    year_from: Annotated[int | None, QueryParameter(ge=1000, le=9999)] = None,
    year_to: Annotated[int | None, QueryParameter(ge=1000, le=9999)] = None,
    available_in: Annotated[list[LanguageCode] | None, QueryParameter(max_items=4)] = None,
    session: Annotated[str | None, QueryParameter(
        pattern=SESSION_ID_PATTERN, description="Only the materials of this session.")] = None,
    sort: Annotated[SortOrder, QueryParameter()] = "relevance",
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, QueryParameter(pattern=OFFSET_CURSOR, description=(
        "The `next_cursor` of the previous page (`o` and how many hits it skips); none for "
        "the first page."))] = None,
) -> SearchPage:
    """Words match every language version (accents and endings ignored); `"..."` is a phrase.
    Filters of one kind are alternatives; filters of different kinds all apply."""
    request = SearchRequest(
        q=q, lang=lang, type=type or [], topic=topic or [], country=_countries(country),
        region=region or [], year_from=year_from, year_to=year_to,
        available_in=available_in or [], session=session, sort=sort, offset=_offset(cursor),
        limit=limit)
    reply = await gateway.call("catalog", "search", request, SearchReply)
    following = None if reply.next_offset is None else f"o{reply.next_offset}"
    return SearchPage(items=reply.hits, next_cursor=following, total=reply.total,
                      facets=reply.facets)


def _offset(cursor: str | None) -> int:
    """The hits a cursor skips (its pattern is checked: `o` and a number in range)."""
    return int(cursor[1:]) if cursor else 0


def _countries(values: list[str] | None) -> list[str]:
    if any(not re.fullmatch(COUNTRY, value) for value in values or []):
        raise problem(400, "country takes ISO 3166-1 alpha-2 codes, e.g. CL.")
    return [value.upper() for value in values or []]


OAI_RESPONSES = problem_responses(400, 429, 503)


@get("/oai", summary="OAI-PMH 2.0 harvesting", responses=OAI_RESPONSES, media_type="text/xml")
async def oai_get(
    gateway: NamedDependency[Gateway], request: Request[Any, Any, Any]
) -> Response[str]:
    """OAI-PMH verbs as query arguments (`?verb=ListRecords&metadataPrefix=oai_dc`)."""
    return await _oai(gateway, [(k, str(v)) for k, v in request.query_params.multi_items()])


@post("/oai", summary="OAI-PMH 2.0 harvesting (form)", responses=OAI_RESPONSES,
      media_type="text/xml", status_code=200)
async def oai_post(
    gateway: NamedDependency[Gateway], request: Request[Any, Any, Any]
) -> Response[str]:
    """The same verbs sent as `application/x-www-form-urlencoded`."""
    form = await request.form()
    return await _oai(gateway, [(k, v) for k, v in form.multi_items() if isinstance(v, str)])


async def _oai(gateway: Gateway, arguments: list[tuple[str, str]]) -> Response[str]:
    if len(arguments) > MAX_OAI_ARGUMENTS or any(len(v) > MAX_OAI_VALUE for _, v in arguments):
        raise problem(400, "Too many or too long OAI-PMH arguments.")
    base_url = gateway.settings.public_base_url.rstrip("/") + "/oai"
    reply = await gateway.call("catalog", "oai", OaiRequest(arguments=arguments, base_url=base_url),
                               OaiReply)
    return Response(reply.xml, media_type="text/xml; charset=utf-8")


PUBLIC_HANDLERS: list[ControllerRouterHandler] = [search]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = [oai_get, oai_post]
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
