"""The home page: upcoming sessions, the latest documents, the headline numbers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency

from services.gateway.context import Gateway
from services.gateway.site.render import Page, reader_of, render
from shared.contracts.catalog.search import SearchReply, SearchRequest
from shared.contracts.registration.rpc import SessionPage, SessionQuery, Stats, StatsQuery
from shared.contracts.rpc import RpcFailure

UPCOMING = 4
LATEST = 5


@get("/", include_in_schema=False, opt={"no_csrf": True})
async def home(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
               ) -> Response[bytes]:
    """Three questions at a glance: what is next, what is new, how big is the network."""
    reader = reader_of(request)
    upcoming, latest, stats = await asyncio.gather(
        gateway.call("registration", "list_sessions", SessionQuery(
            starts_from=datetime.now(UTC), order="starts_at", limit=UPCOMING), SessionPage),
        gateway.call("catalog", "search", SearchRequest(lang=reader.lang, sort="date",
                                                        limit=LATEST), SearchReply),
        _optional(gateway.call("registration", "stats", StatsQuery(), Stats)))
    return render(request, Page("home.html", {
        "upcoming": upcoming.items, "latest": latest.hits, "documents_total": latest.total,
        "stats": stats}))


async def _optional(call: Any) -> Any:
    """The figures are a garnish: the page still serves when they cannot be had."""
    try:
        return await call
    except RpcFailure:
        return None


HANDLERS = [home]
