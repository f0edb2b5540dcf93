"""The gateway on a real port, for the security tests that speak HTTP from another thread."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from litestar import Litestar

from tests.support.polling import eventually


@asynccontextmanager
async def listening(app: Litestar) -> AsyncIterator[str]:
    """`app` served by uvicorn on a free local port in this loop; yields its base URL.

    Tools that speak real HTTP from another thread (Schemathesis) need a socket; the services
    behind the gateway keep running in this loop meanwhile.
    """
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="on", log_config=None,
                            access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    def started() -> bool:
        if task.done():
            task.result()
            raise RuntimeError("uvicorn stopped before it started")
        return server.started

    await eventually(started, 30, "uvicorn to listen", interval=0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
