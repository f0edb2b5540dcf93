"""`GET /metrics`: this gateway process's metrics in Prometheus text format, for scraping."""

from __future__ import annotations

from litestar import Response, get
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest


@get("/metrics", include_in_schema=False, sync_to_thread=False)
def prometheus_metrics() -> Response[bytes]:
    """What the OpenTelemetry Prometheus reader collected in this process."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
