"""Fixtures of the security tests: the integration and e2e fixtures, the gateway on a real port,
and valid request bodies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uvicorn
from litestar import Litestar

from tests.e2e.conftest import start_up
from tests.integration.conftest import (
    gateway_app,
    gateway_http,
    make_key,
    running_services,
    smtp_settings,
)

__all__ = ["gateway_app", "gateway_http", "listening", "make_key", "person", "published_session",
           "running_services", "session_body", "smtp_settings", "start_up"]


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
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("uvicorn stopped before it started")
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def session_body(**changes: Any) -> dict[str, Any]:
    """A valid new session, ten days ahead."""
    starts = datetime.now(UTC) + timedelta(days=10)
    body: dict[str, Any] = {
        "title": {"es": "Contratación abierta", "en": "Open contracting"},
        "summary": {"en": "Open data in procurement"}, "format": "panel",
        "topics": ["open_data"], "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(), "timezone": "America/Panama",
        "languages": ["es", "en"], "capacity": 2,
        "speakers": [{"name": "Speaker", "institution": "ChileCompra", "country": "CL"}],
    }
    return body | changes


def person(email: str = "ana@example.org", **changes: Any) -> dict[str, Any]:
    """A valid registration form."""
    body: dict[str, Any] = {
        "name": "Ana", "email": email, "country": "PA", "institution": "DGCP",
        "sector": "government", "job_title": "Director", "gender": "female",
        "preferred_language": "es", "consent": True}
    return body | changes


async def published_session(http: httpx.AsyncClient, key: str, **changes: Any) -> str:
    """The id of a new, published session."""
    auth = {"X-API-Key": key}
    created = await http.post("/v1/sessions", json=session_body(**changes), headers=auth)
    assert created.status_code == 201, created.text
    session_id: str = created.json()["id"]
    published = await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
    assert published.status_code == 200, published.text
    return session_id
