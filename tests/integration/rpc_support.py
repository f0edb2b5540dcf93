"""A slow RPC service for the tests of deadlines, queues and bursts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from pydantic import BaseModel

from shared.bus import RpcRoutes, make_broker
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

    broker = make_broker(settings, client_name="slow-service")
    broker.include_router(routes.router)
    await broker.start()
    await broker.connection.flush()  # the server has our subscription before anyone asks
    try:
        yield service
    finally:
        await broker.stop()
