"""A slow RPC service for the tests of deadlines, queues and bursts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import nats.errors
from pydantic import BaseModel

from shared.bus import RpcRoutes, call, make_broker
from shared.contracts.rpc import RpcFailure
from shared.settings import Settings


class Work(BaseModel):
    """A job for the slow test service: sleep this long, then record `tag` as done."""

    tag: str
    seconds: float = 0.0


@dataclass
class SlowService:
    """A test service on `rpc.slow.work` that counts what it carried out and how much at once."""

    done: list[str] = field(default_factory=list)
    running: int = 0
    most_at_once: int = 0


@asynccontextmanager
async def slow_service(settings: Settings, concurrency: int) -> AsyncIterator[SlowService]:
    """Serve `rpc.slow.work` with `concurrency` workers until the block ends."""
    service = SlowService()
    routes = RpcRoutes("slow", concurrency=concurrency)

    @routes.responder("work", Work)
    async def work(request: Work) -> Work:
        service.running += 1
        service.most_at_once = max(service.most_at_once, service.running)
        try:
            await asyncio.sleep(request.seconds)
        finally:
            service.running -= 1
        service.done.append(request.tag)  # the side effect, after the work
        return request

    @routes.responder("ready", Work)
    async def ready(request: Work) -> Work:
        return request  # no side effect: only tells that the responders answer

    broker = make_broker(settings, client_name="slow-service")
    broker.include_router(routes.router)
    await broker.start()
    await broker.connection.flush()  # the server has our subscription before anyone asks
    await _answering(broker)
    try:
        yield service
    finally:
        await broker.stop()


async def _answering(broker: Any) -> None:
    """Until the service answers: on a loaded machine the subscriptions may start after
    `start()` returns, and a request sent meanwhile finds no responder (seen in CI)."""
    for _ in range(100):
        try:
            await call(broker, "rpc.slow.ready", Work(tag="ready"), Work, timeout=1)
            return
        except (RpcFailure, nats.errors.Error):
            await asyncio.sleep(0.1)
    raise AssertionError("the slow service never answered")
