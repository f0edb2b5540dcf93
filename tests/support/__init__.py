"""Helpers the tests share: driving the gateway app in the test's own loop, keys, problems."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
from litestar import Litestar

from services.gateway.context import gateway_of
from services.gateway.keys import Role
from tests.support.polling import eventually

__all__ = ["PROBLEM_JSON", "assert_problem", "eventually", "new_key", "serving"]

PROBLEM_JSON = "application/problem+json"


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to `app`, with the app's lifespan (NATS, MongoDB) running.

    The lifespan is held by a task of its own: it opens an anyio task group, which must be
    left by the task that entered it, and pytest-asyncio may set a fixture up in one task and
    tear it down in another.
    """
    up, down = asyncio.Event(), asyncio.Event()

    async def hold_lifespan() -> None:
        async with app.lifespan():
            up.set()
            await down.wait()

    holder = asyncio.create_task(hold_lifespan())
    waiting = asyncio.create_task(up.wait())
    await asyncio.wait({holder, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if holder.done():
        waiting.cancel()
        holder.result()  # startup failed: raise its error here
    try:
        transport = httpx.ASGITransport(app)  # type: ignore[arg-type]  # Litestar types its scopes narrower
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield client
    finally:
        down.set()
        await holder



async def new_key(app: Litestar, role: Role, name: str = "test") -> str:
    """A key created straight in the store, as `dialogues keys create` does."""
    _, key = await gateway_of(app).keys.create(role, name, datetime.now(UTC))
    return key



def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    return body


