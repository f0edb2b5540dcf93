"""Valid request bodies and a published session, for tests that drive the gateway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx


def session_body(**changes: Any) -> dict[str, Any]:
    """A valid new session, ten days ahead, with a join link; `changes` override fields."""
    starts = datetime.now(UTC) + timedelta(days=10)
    body: dict[str, Any] = {
        "title": {"es": "Contratación abierta", "en": "Open contracting"},
        "summary": {"en": "Open data in procurement"}, "format": "panel",
        "topics": ["open_data"], "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(), "timezone": "America/Panama",
        "languages": ["es", "en"], "interpretation": ["pt"], "capacity": 2,
        "speakers": [{"name": "Speaker", "institution": "ChileCompra", "country": "CL"}],
        "join_url": "https://meet.example.org/very-secret",
    }
    body.update(changes)
    return body


def person(email: str = "ana@example.org", **changes: Any) -> dict[str, Any]:
    """A valid registration form."""
    body: dict[str, Any] = {
        "name": "Ana", "email": email, "country": "PA", "institution": "DGCP",
        "sector": "government", "job_title": "Director", "gender": "female",
        "preferred_language": "es", "consent": True}
    body.update(changes)
    return body


async def new_session(http: httpx.AsyncClient, key: str, publish: bool = True,
                      **changes: Any) -> str:
    """The id of a new session made with `key` (published unless told otherwise)."""
    auth = {"Authorization": f"Bearer {key}"}
    created = await http.post("/v1/sessions", json=session_body(**changes), headers=auth)
    assert created.status_code == 201, created.text
    session_id: str = created.json()["id"]
    if publish:
        published = await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
        assert published.status_code == 200, published.text
    return session_id
