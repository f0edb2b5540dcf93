"""`/health/live` and `/health/ready`: for process supervisors and load balancers.

Neither needs a key nor counts against the rate limit: a probe must not be refused.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from litestar import Router, get
from litestar.di import NamedDependency
from pydantic import BaseModel

from services.gateway.context import Gateway
from services.gateway.problems import problem, problem_responses
from shared.bus import call
from shared.contracts.rpc import Ping, Pong, RpcFailure, rpc_subject
from shared.db import database_answers
from shared.settings import SERVICES

READY_TIMEOUT = 1.0
"""Upper bound on one ping, so a probe gets its answer in about a second whatever is down."""


class Live(BaseModel):
    """The process is up and serving HTTP."""

    status: Literal["live"] = "live"


class ServiceHealth(BaseModel):
    """What one service said to a ping."""

    instance: str
    version: str
    database: bool


class Ready(BaseModel):
    """The gateway's database and every service answered."""

    status: Literal["ready"] = "ready"
    database: bool
    services: dict[str, ServiceHealth]


@get("/live", summary="The process is alive", responses=problem_responses(500))
async def live() -> Live:
    """Answers without touching the bus or the database."""
    return Live()


async def _ping(gateway: Gateway, service: str) -> Pong | None:
    timeout = min(READY_TIMEOUT, gateway.settings.rpc_timeout)
    try:
        pong = await call(gateway.broker, rpc_subject(service, "ping"), Ping(), Pong,
                          timeout=timeout)
    except RpcFailure:
        return None
    # A service that cannot reach its database cannot do its work: not ready.
    return pong if pong.database else None


@get("/ready", summary="Every service answers", responses=problem_responses(503, 500))
async def ready(gateway: NamedDependency[Gateway]) -> Ready:
    """Pings every service (concurrently) and the gateway's own database."""
    pongs, own_database = await asyncio.gather(
        asyncio.gather(*(_ping(gateway, name) for name in SERVICES)),
        database_answers(gateway.db),
    )
    answers = dict(zip(SERVICES, pongs, strict=True))
    unavailable = [name for name, pong in answers.items() if pong is None]
    if not own_database:
        unavailable.insert(0, "gateway")
    if unavailable:
        raise problem(503, f"Not ready: no answer from {', '.join(unavailable)}.",
                      kind="not-ready", extensions={"unavailable": unavailable})
    return Ready(database=own_database, services={
        name: ServiceHealth(instance=pong.instance, version=pong.version, database=pong.database)
        for name, pong in answers.items() if pong is not None
    })


health_router = Router("/health", route_handlers=[live, ready], tags=["health"])
