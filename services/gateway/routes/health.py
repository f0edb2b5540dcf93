"""`/health/live` and `/health/ready`: for process supervisors and load balancers.

Neither needs a key nor counts against the rate limit: a probe must not be refused. Both are
public, so they say no more than a probe needs: which parts answer, never hosts, process ids
or versions (those are in each process's logs and telemetry). One round of pings serves every
probe of the next `READY_FOR` seconds, so a flood of probes costs the services nothing.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from litestar import Litestar, Request, Router, get
from litestar.di import NamedDependency
from pydantic import BaseModel

from services.gateway.context import Gateway
from services.gateway.problems import problem, problem_responses
from shared.bus import bus_is_connected, call
from shared.contracts.rpc import Ping, Pong, RpcFailure, rpc_subject
from shared.db import database_answers
from shared.settings import SERVICES

READY_TIMEOUT = 1.0
"""Upper bound on one ping, so a probe gets its answer in about a second whatever is down."""
READY_FOR = 1.0
"""Seconds one round of pings answers every probe (load balancers probe every few seconds)."""
_STATE = "readiness"


class Live(BaseModel):
    """The process is up and serving HTTP."""

    status: Literal["live"] = "live"


class Ready(BaseModel):
    """The gateway's database and every service answered."""

    status: Literal["ready"] = "ready"
    database: bool
    services: dict[str, Literal["ready"]]


class ReadinessCache:
    """The last round's answer, reused for `keep_for` seconds; one round runs at a time."""

    def __init__(self, keep_for: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.keep_for, self.clock = keep_for, clock
        self.rounds = 0
        self._at = -math.inf
        self._unavailable: list[str] = []
        self._lock = asyncio.Lock()

    async def unavailable(self, ask: Callable[[], Awaitable[list[str]]]) -> list[str]:
        """What did not answer; asks again only once the last answer is `keep_for` old.

        Probes arriving during a round wait for it rather than start their own.
        """
        async with self._lock:
            if self.clock() - self._at >= self.keep_for:
                self._unavailable = await ask()
                self._at = self.clock()
                self.rounds += 1
            return list(self._unavailable)


def readiness_cache(app: Litestar) -> ReadinessCache:
    """The app's cache, made on first use."""
    cache = app.state.get(_STATE)
    if not isinstance(cache, ReadinessCache):
        cache = app.state[_STATE] = ReadinessCache(READY_FOR)
    return cache


@get("/live", summary="The process is alive", responses=problem_responses(503, 500))
async def live(gateway: NamedDependency[Gateway]) -> Live:
    """Asks neither the services nor the database, but fails (503) while the gateway's own
    connection to the bus is down: a gateway cut off from NATS answers nothing useful."""
    if not bus_is_connected(gateway.broker):
        raise problem(503, "Not connected to the bus.", kind="unavailable")
    return Live()


async def _ping(gateway: Gateway, service: str) -> Pong | None:
    timeout = min(READY_TIMEOUT, gateway.options.rpc_timeout)
    try:
        pong = await call(gateway.broker, rpc_subject(service, "ping"), Ping(), Pong,
                          timeout=timeout)
    except RpcFailure:
        return None
    # A service that cannot reach its database cannot do its work: not ready.
    return pong if pong.database else None


async def _ask_everyone(gateway: Gateway) -> list[str]:
    pongs, own_database = await asyncio.gather(
        asyncio.gather(*(_ping(gateway, name) for name in SERVICES)),
        database_answers(gateway.db),
    )
    unavailable = [name for name, pong in zip(SERVICES, pongs, strict=True) if pong is None]
    return unavailable if own_database else ["gateway", *unavailable]


@get("/ready", summary="Every service answers", responses=problem_responses(503, 500))
async def ready(gateway: NamedDependency[Gateway], request: Request[Any, Any, Any]) -> Ready:
    """Pings every service (concurrently) and the gateway's own database, at most once a
    second; 503 names what did not answer."""
    unavailable = await readiness_cache(request.app).unavailable(lambda: _ask_everyone(gateway))
    if unavailable:
        raise problem(503, f"Not ready: no answer from {', '.join(unavailable)}.",
                      kind="not-ready", extensions={"unavailable": unavailable})
    return Ready(database=True, services=dict.fromkeys(SERVICES, "ready"))


health_router = Router("/health", route_handlers=[live, ready], tags=["health"])
