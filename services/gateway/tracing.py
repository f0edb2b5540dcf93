"""HTTP server spans: named by route template, with no personal data.

Litestar's OpenTelemetry plugin starts the span before routing and names it by the raw path
(`GET /v1/keys/3f2a...`): unbounded names, and ids or tokens in them. Here the span starts as
just the method (the OpenTelemetry name when the route is unknown, e.g. a 404) and is renamed
to `METHOD /route/{template}` once routing has found the handler.

The renaming is a middleware rather than a `before_request` hook because Litestar runs guards
before that hook: requests refused with 401, 403 or 429 would keep the unrenamed span.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from litestar.types import ASGIApp, Receive, Scope, Send
from opentelemetry import trace
from opentelemetry.trace import Span, TracerProvider

_PEER_ADDRESS_ATTRIBUTES = ("net.peer.ip", "client.address")
_URL_ATTRIBUTES = ("http.url", "http.target", "url.full")


def span_name_before_routing(scope: Scope) -> tuple[str, dict[str, Any]]:
    """The method alone: the path is not a safe or bounded span name."""
    return str(scope.get("method") or scope["type"]), {}


def coarse_address(address: str) -> str:
    """The client's network rather than its address: /24 for IPv4, /48 for IPv6.

    Enough to see where traffic comes from, not enough to single out a person.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def without_query(url: str) -> str:
    """A URL without its query string: mailed tokens and search words travel there."""
    return url.split("?", 1)[0]


def _scrub_server_span(span: Span, scope: dict[str, Any]) -> None:
    # The ASGI instrumentation records the full peer address at span start; overwrite it.
    recorded = getattr(span, "attributes", None) or {}
    client = scope.get("client")
    for attribute in _PEER_ADDRESS_ATTRIBUTES:
        if attribute in recorded and client:
            span.set_attribute(attribute, coarse_address(str(client[0])))
    # ...and the URL with its query string: unsubscribe and cancel tokens, search terms.
    for attribute in _URL_ATTRIBUTES:
        value = recorded.get(attribute)
        if isinstance(value, str) and "?" in value:
            span.set_attribute(attribute, without_query(value))
    if "url.query" in recorded:
        span.set_attribute("url.query", "")


class RouteSpanName(ASGIMiddleware):
    """Renames the current server span after the matched route and sets `http.route`."""

    scopes = (ScopeType.HTTP, ScopeType.WEBSOCKET)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Rename, then pass the request on."""
        span = trace.get_current_span()
        template = scope.get("path_template")
        if span.is_recording() and template:
            method = scope.get("method")
            span.update_name(f"{method} {template}" if method else template)
            span.set_attribute("http.route", template)
        await next_app(scope, receive, send)


def opentelemetry_plugin(tracer_provider: TracerProvider | None = None) -> OpenTelemetryPlugin:
    """The server-span plugin; `tracer_provider` defaults to the global one."""
    return OpenTelemetryPlugin(OpenTelemetryConfig(
        tracer_provider=tracer_provider,
        scope_span_details_extractor=span_name_before_routing,
        server_request_hook_handler=_scrub_server_span,
        # One span per request; the per-chunk send/receive spans add volume, not insight.
        exclude_spans=["receive", "send"],
    ))
