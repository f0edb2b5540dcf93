"""The gateway serves its own metrics for scraping, without a key and outside the API."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration


async def test_gateway_metrics_are_prometheus_text(gateway_http: httpx.AsyncClient) -> None:
    response = await gateway_http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE" in response.text
    schema = (await gateway_http.get("/schema/openapi.json")).json()
    assert "/metrics" not in schema["paths"]
