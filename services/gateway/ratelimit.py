"""The rate limit on public routes: N requests per client address per minute.

Litestar's RateLimitMiddleware sends no `Retry-After` and keeps a list of timestamps per
client; a fixed window needs one counter per client, and a 429 can say exactly when the window
opens again. Windows are aligned for all clients, so the whole table is dropped when one ends:
memory is bounded by the clients of one minute.

The count lives in this process. With several gateway replicas each allows N; a shared count
(e.g. a NATS key-value bucket) would replace `FixedWindow` without changing the guard.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler

from services.gateway.auth import Guard, authenticate, presented_key
from services.gateway.problems import problem


@dataclass
class FixedWindow:
    """Counts requests per client in windows of `window` seconds."""

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
        if count > self.limit:
            return start + self.window - now
        return None


def retry_after(wait: float) -> str:
    """`Retry-After` in whole seconds, never 0 (which would invite an immediate retry)."""
    return str(max(1, math.ceil(wait)))


def rate_limited(limiter: FixedWindow, clock: Callable[[], float] = time.monotonic) -> Guard:
    """A guard answering 429 with `Retry-After` once a client is over the limit."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if await _holds_a_valid_key(connection):
            # Staff and integrations are not the public: some of their routes share a path
            # with a public one (Litestar mounts a path in one router only), and they must not
            # be limited as if they were. A key that does not authenticate counts as none.
            return
        # The peer address: behind a proxy, uvicorn's proxy-headers handling (trusted proxies
        # only) has already put the real client here.
        client = connection.client.host if connection.client else "unknown"
        wait = limiter.hit(client, clock())
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
