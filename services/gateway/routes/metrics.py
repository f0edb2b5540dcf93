"""`GET /metrics`: this gateway process's metrics in Prometheus text format, for scraping.

On the public port it needs an `admin` key (Prometheus: `authorization: {credentials: ...}`):
route names, error rates and the load are not for everyone. A deployment that scrapes from an
internal network sets `METRICS_PORT` instead, which serves the same text without a key on
`METRICS_HOST`, as every service does.
"""

from __future__ import annotations

from litestar import Response, get
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from services.gateway.auth import requires_role


@get("/metrics", include_in_schema=False, sync_to_thread=False, guards=[requires_role("admin")])
def prometheus_metrics() -> Response[bytes]:
    """What the OpenTelemetry Prometheus reader collected in this process."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
