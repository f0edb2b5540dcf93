"""The gateway serves its own metrics for scraping, outside the API, to admin keys only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.support import assert_problem

pytestmark = pytest.mark.integration


async def test_gateway_metrics_are_prometheus_text_for_admins_only(
    gateway_http: httpx.AsyncClient, make_key: Callable[[str], Awaitable[str]]
) -> None:
    assert_problem(await gateway_http.get("/metrics"), 401)
    secretariat = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    assert_problem(await gateway_http.get("/metrics", headers=secretariat), 403)
    admin = {"Authorization": f"Bearer {await make_key('admin')}"}
    response = await gateway_http.get("/metrics", headers=admin)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE" in response.text
    schema = (await gateway_http.get("/schema/openapi.json")).json()
    assert "/metrics" not in schema["paths"]
