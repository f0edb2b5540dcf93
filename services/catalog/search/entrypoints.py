"""RPC responders of search and harvesting: parse, call, reply. Nothing else."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from faststream.nats import NatsRouter

from services.catalog.search.engine import SearchEngine
from services.catalog.search.oai.verbs import answer_oai
from shared.bus import RpcRoutes, ServiceError
from shared.contracts.search import OaiReply, OaiRequest, SearchReply, SearchRequest
from shared.service import Runtime

SEARCH_TIMEOUT = 2.0
"""Seconds one search may take; slower ones answer `unavailable` instead of piling up."""
CONCURRENT_SEARCHES = 4


def search_rpc(runtime: Runtime, engine: SearchEngine) -> NatsRouter:
    routes = RpcRoutes(runtime.service)
    running = asyncio.Semaphore(CONCURRENT_SEARCHES)

    @routes.responder("search", SearchRequest)
    async def search(request: SearchRequest) -> SearchReply:
        try:
            async with running:
                return await asyncio.wait_for(asyncio.to_thread(engine.search, request),
                                              SEARCH_TIMEOUT)
        except TimeoutError:
            raise ServiceError("unavailable", "The search took too long; narrow it.") from None

    @routes.responder("oai", OaiRequest)
    async def oai(request: OaiRequest) -> OaiReply:
        return OaiReply(xml=await answer_oai(runtime, request, datetime.now(UTC)))

    return routes.router
