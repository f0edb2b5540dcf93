"""The rate limit on public routes: N requests per client address per minute, all replicas
together.

Litestar's RateLimitMiddleware sends no `Retry-After` and counts in process memory, so with
several gateway replicas each would allow N. Here the count lives in the gateway's MongoDB:
one document per client and window, bumped by one atomic upsert, so every replica adds to the
same count. Windows are aligned on the wall clock (the same for every replica), a 429 says
exactly when the window opens again, and a TTL index removes ended windows. Documents are named
by a hash of address and window, never by the address itself.

The client address is the peer's: uvicorn replaces it with the forwarded one only for
requests from `TRUSTED_PROXIES` (services.gateway.__main__), so nobody else can choose it.
Should the database be away, each process counts alone meanwhile (`FixedWindow`).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from services.gateway.auth import Guard, authenticate, presented_key
from services.gateway.context import gateway_of
from services.gateway.problems import problem
from shared.db import Document, IndexSpec

log = logging.getLogger(__name__)
COLLECTION = "rate_limits"
INDEXES = [IndexSpec(COLLECTION, (("expires_at", 1),), options={"expireAfterSeconds": 0})]


@dataclass
class FixedWindow:
    """Counts requests per client in windows of `window` seconds, in this process."""

    limit: int
    window: float = 60.0
    _start: float = field(default=-math.inf, init=False)
    _counts: dict[str, int] = field(default_factory=dict, init=False)

    @property
    def clients(self) -> int:
        """How many clients the current window counts (the table's size)."""
        return len(self._counts)

    def hit(self, client: str, now: float) -> float | None:
        """Count one request at `now`: None if allowed, else seconds until it would be."""
        start = now - now % self.window
        if start != self._start:
            self._start, self._counts = start, {}
        count = self._counts.get(client, 0) + 1
        self._counts[client] = count
        return over_the_limit(count, self.limit, start + self.window - now)


def over_the_limit(count: int, limit: int, left: float) -> float | None:
    """The wait for the `count`th request of a window with `left` seconds to run."""
    return left if count > limit else None


@dataclass
class SharedWindow:
    """Counts requests per client and window in MongoDB, shared by every gateway replica."""

    limit: int
    window: float = 60.0
    alone: FixedWindow = field(init=False)

    def __post_init__(self) -> None:
        self.alone = FixedWindow(self.limit, self.window)

    async def hit(self, db: AsyncDatabase[Document], client: str, now: float) -> float | None:
        """Count one request at `now` (epoch seconds): None if allowed, else the wait."""
        start = now - now % self.window
        counter = hashlib.sha256(f"{client}|{start:.0f}".encode()).hexdigest()
        # Kept one window past its end, so clocks a little apart still find it.
        ends = datetime.fromtimestamp(start + 2 * self.window, UTC)
        for _ in range(2):  # two first requests may race to create the document
            try:
                counted = await db[COLLECTION].find_one_and_update(
                    {"_id": counter}, {"$inc": {"count": 1}, "$setOnInsert": {"expires_at": ends}},
                    upsert=True, return_document=ReturnDocument.AFTER)
            except DuplicateKeyError:
                continue
            except PyMongoError as error:
                log.warning("rate limit counted in this process only",
                            extra={"error": type(error).__name__})
                break
            count = int(counted["count"]) if counted else 1  # upsert: never None
            return over_the_limit(count, self.limit, start + self.window - now)
        return self.alone.hit(client, now)


def retry_after(wait: float) -> str:
    """`Retry-After` in whole seconds, never 0 (which would invite an immediate retry)."""
    return str(max(1, math.ceil(wait)))


def rate_limited(limiter: SharedWindow, clock: Callable[[], float] = time.time) -> Guard:
    """A guard answering 429 with `Retry-After` once a client is over the limit."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if await _holds_a_valid_key(connection):
            # Staff and integrations are not the public: some of their routes share a path
            # with a public one (Litestar mounts a path in one router only), and they must not
            # be limited as if they were. A key that does not authenticate counts as none.
            return
        client = connection.client.host if connection.client else "unknown"
        wait = await limiter.hit(gateway_of(connection.app).db, client, clock())
        if wait is not None:
            raise problem(429, f"At most {limiter.limit} requests per minute are allowed to "
                          "public routes; wait as Retry-After says.",
                          headers={"Retry-After": retry_after(wait)})

    return guard


async def _holds_a_valid_key(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    if presented_key(connection.headers) is None:
        return False
    try:
        await authenticate(connection)
    except HTTPException:
        return False
    return True
