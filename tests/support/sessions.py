"""Valid request bodies and published sessions, for tests that drive the gateway.

Two session bodies: `plain_session_body` has no join link and no interpretation (the least a
session needs), `session_body` adds both. Two ways to make a session: `new_session` sends the
key as a Bearer token with `session_body`, `published_session` sends it in X-API-Key with
`plain_session_body`; tests of either header keep using their own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

JOIN_URL = "https://meet.example.org/very-secret"


def plain_session_body(**changes: Any) -> dict[str, Any]:
    """A valid new session, ten days ahead, with no join link and no interpretation;
    `changes` override fields."""
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


def session_body(**changes: Any) -> dict[str, Any]:
    """A valid new session, ten days ahead, with interpretation and a join link; `changes`
    override fields."""
    return plain_session_body(**({"interpretation": ["pt"], "join_url": JOIN_URL} | changes))


def person(email: str = "ana@example.org", **changes: Any) -> dict[str, Any]:
    """A valid registration form."""
    body: dict[str, Any] = {
        "name": "Ana", "email": email, "country": "PA", "institution": "DGCP",
        "sector": "government", "job_title": "Director", "gender": "female",
        "preferred_language": "es", "consent": True}
    return body | changes


async def new_session(http: httpx.AsyncClient, key: str, publish: bool = True,
                      **changes: Any) -> str:
    """The id of a new session (`session_body`) made with `key` as a Bearer token, published
    unless told otherwise."""
    return await _create(http, {"Authorization": f"Bearer {key}"}, session_body(**changes),
                         publish=publish)


async def published_session(http: httpx.AsyncClient, key: str, **changes: Any) -> str:
    """The id of a new, published session (`plain_session_body`) made with `key` in the
    X-API-Key header."""
    return await _create(http, {"X-API-Key": key}, plain_session_body(**changes), publish=True)


async def _create(http: httpx.AsyncClient, auth: dict[str, str], body: dict[str, Any], *,
                  publish: bool) -> str:
    created = await http.post("/v1/sessions", json=body, headers=auth)
    assert created.status_code == 201, created.text
    session_id: str = created.json()["id"]
    if publish:
        published = await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
        assert published.status_code == 200, published.text
    return session_id
