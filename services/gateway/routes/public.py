"""Public routes: no key, limited per client address (see `services.gateway.ratelimit`)."""

from __future__ import annotations

from litestar import get
from litestar.datastructures import CacheControlHeader

from services.gateway.problems import problem_responses
from shared.reference import ReferenceDict, as_dict


@get("/reference", summary="INGP reference data", tags=["public"],
     # It changes only with a release; clients and proxies may keep it for an hour.
     cache_control=CacheControlHeader(public=True, max_age=3600),
     responses=problem_responses(429, 500))
async def reference() -> ReferenceDict:
    """Member states, regions, languages, topics, formats, document types and sectors, with
    labels in es, en, pt and fr."""
    return as_dict()


PUBLIC_HANDLERS = [reference]
"""Mounted under `/v1`, behind the public rate limit."""
