"""The home page: upcoming sessions, the latest documents, the headline numbers (from the
numbers service's read model, as the numbers page draws them)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency

from services.gateway.context import Gateway
from services.gateway.site.render import Page, reader_of, render
from shared.contracts.catalog.search import SearchReply, SearchRequest
from shared.contracts.numbers.rpc import GetNumbers, Numbers
from shared.contracts.registration.rpc import SessionPage, SessionQuery
from shared.contracts.rpc import RpcFailure

UPCOMING = 4
LATEST = 5


@get("/", include_in_schema=False, opt={"no_csrf": True})
async def home(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
               ) -> Response[bytes]:
    """Three questions at a glance: what is next, what is new, how big is the network."""
    reader = reader_of(request)
    upcoming, latest, figures = await asyncio.gather(
        gateway.call("registration", "list_sessions", SessionQuery(
            starts_from=datetime.now(UTC), order="starts_at", limit=UPCOMING), SessionPage),
        gateway.call("catalog", "search", SearchRequest(lang=reader.lang, sort="date",
                                                        limit=LATEST), SearchReply),
        _optional(gateway.call("numbers", "get", GetNumbers(), Numbers)))
    return render(request, Page("home.html", {
        "upcoming": upcoming.items, "latest": latest.hits, "documents_total": latest.total,
        "figures": figures}))


async def _optional(call: Any) -> Any:
    """The figures are a garnish: the page still serves when they cannot be had."""
    try:
        return await call
    except RpcFailure:
        return None


HANDLERS = [home]
