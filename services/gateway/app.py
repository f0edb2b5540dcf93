"""The gateway's Litestar app: routes, errors as problem details, OpenAPI, telemetry, lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_204_NO_CONTENT
from litestar.types import BeforeMessageSendHookHandler, ControllerRouterHandler, Message, Scope
from opentelemetry.trace import TracerProvider

from services.gateway.context import SERVICE, Gateway, provide_gateway
from services.gateway.idempotency import INDEXES as IDEMPOTENCY_INDEXES
from services.gateway.idempotency import Idempotency
from services.gateway.keys import KeyStore
from services.gateway.openapi_models import ModelRulesSchemaPlugin
from services.gateway.problems import (
    problem_details_plugin,
    problem_responses,
    unhandled_exception,
)
from services.gateway.ratelimit import INDEXES as RATE_LIMIT_INDEXES
from services.gateway.ratelimit import SharedWindow, rate_limited
from services.gateway.routes import (
    certificates,
    documents,
    events,
    files,
    messages,
    notify,
    numbers,
    registration,
    search,
    translate,
)
from services.gateway.routes.access import ACCESS_HANDLERS
from services.gateway.routes.health import health_router
from services.gateway.routes.metrics import prometheus_metrics
from services.gateway.routes.public import PUBLIC_HANDLERS
from services.gateway.routes.staff import STAFF_HANDLERS
from services.gateway.settings import GatewaySettings
from services.gateway.site import SiteErrorPages, csrf_config, site_routers, template_config
from services.gateway.staff import staff_routers
from services.gateway.staff.audit import Audit
from services.gateway.staff.context import staff_indexes
from services.gateway.tracing import RouteSpanName, opentelemetry_plugin
from shared.bus import make_broker
from shared.db import POOL_MIN, ensure_indexes, make_client, refuse_standalone_outside_local
from shared.service import exit_for_restart
from shared.settings import Settings
from shared.telemetry import package_version

CLIENT_NAME = "dialogues-gateway"
GATEWAY_MONGO_TIMEOUT_MS = 1500
"""The gateway's own database calls give up after this (see the lifespan)."""
CONNECT_TIMEOUT = 15.0
"""Seconds the gateway waits for NATS at startup before it gives up and exits."""


def _lifespan(settings: Settings, options: GatewaySettings
              ) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def connected(app: Litestar) -> AsyncIterator[None]:
        """Connect the database and the bus before the first request; close both at the end."""
        # Every public request touches the gateway's database (rate limit, idempotency), and
        # each of those falls back when it is away: give up in seconds, not MONGO_TIMEOUT_MS.
        quick = settings.model_copy(update={"mongo_timeout_ms": min(
            settings.mongo_timeout_ms, GATEWAY_MONGO_TIMEOUT_MS)})
        client = make_client(quick, app_name=CLIENT_NAME, pool_min=POOL_MIN)
        # Closed for good (its NATS user revoked): exit so the supervisor starts a new one.
        broker = make_broker(settings, client_name=CLIENT_NAME, on_closed=exit_for_restart)
        try:
            await refuse_standalone_outside_local(client, settings)
            db = client[settings.database_name(SERVICE)]
            await ensure_indexes(db, [*KeyStore.indexes(), *IDEMPOTENCY_INDEXES,
                                     *RATE_LIMIT_INDEXES, *staff_indexes()])
            # The gateway only sends requests; it subscribes to nothing, so connecting suffices.
            # At startup a missing server fails within seconds (shared.broker); once
            # connected the broker reconnects for ever. The timeout bounds a hung handshake.
            async with asyncio.timeout(CONNECT_TIMEOUT):
                await broker.connect()
            app.state.gateway = Gateway(settings, options, broker, client, db, KeyStore(db))
            yield
        finally:
            app.state.pop("gateway", None)
            await broker.stop()
            await client.close()

    return connected


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="INGP Virtual Dialogues API",
        version=package_version(),
        description=(
            "Sessions, registrations and the bilingual repository of the INGP (OAS) Virtual "
            "Dialogues on Public Procurement. Errors are RFC 9457 problem details. Keyed routes "
            "take `Authorization: Bearer <key>` or `X-API-Key: <key>`."
        ),
        path="/schema",
        render_plugins=[ScalarRenderPlugin()],
        components=Components(security_schemes={
            "bearerKey": SecurityScheme(type="http", scheme="bearer", bearer_format="API key",
                                        description="`Authorization: Bearer dlg_...`"),
            "apiKeyHeader": SecurityScheme(type="apiKey", name="X-API-Key",
                                           security_scheme_in="header",
                                           description="`X-API-Key: dlg_...`"),
        }),
    )


def create_app(
    settings: Settings,
    options: GatewaySettings,
    *,
    extra_route_handlers: Sequence[ControllerRouterHandler] = (),
    tracer_provider: TracerProvider | None = None,
) -> Litestar:
    """The gateway app on the shared `settings` and its own `options` (limits, RPC waits);
    it connects to NATS and MongoDB when its lifespan starts.

    `extra_route_handlers` lets tests mount routes of their own; `tracer_provider` replaces
    the global one (tests collect spans with it).
    """
    services = (registration, certificates, events, documents, files, search, translate,
                notify, messages, numbers)
    limit = rate_limited(SharedWindow(options.public_rate_limit))
    public = Router("/v1", route_handlers=[*PUBLIC_HANDLERS,
                                           *(h for s in services for h in s.PUBLIC_HANDLERS)],
                    guards=[limit])
    keyed = Router("/v1", route_handlers=[*ACCESS_HANDLERS, *STAFF_HANDLERS,
                                          *(h for s in services for h in s.KEYED_HANDLERS)])
    # Public routes outside /v1 (OAI-PMH harvesting at /oai), under the same limit.
    root = Router("/", route_handlers=[h for s in services for h in s.ROOT_PUBLIC_HANDLERS],
                  guards=[limit])
    allowed: dict[str, str] = {}  # filled once the app has merged its routes
    app = Litestar(
        route_handlers=[health_router, prometheus_metrics, public, keyed, root,
                        *site_routers(limit), *staff_routers(limit), *extra_route_handlers],
        lifespan=[_lifespan(settings, options)],
        dependencies={"gateway": Provide(provide_gateway, sync_to_thread=False)},
        # SiteErrorPages comes last: it wraps the handlers the problem-details plugin installs.
        plugins=[problem_details_plugin(), opentelemetry_plugin(tracer_provider),
                 SiteErrorPages(), ModelRulesSchemaPlugin()],
        template_config=template_config(),
        csrf_config=csrf_config(settings),
        exception_handlers={Exception: unhandled_exception},
        # Audit outside Idempotency: a replayed answer is recorded as the action it repeats.
        middleware=[RouteSpanName(), Audit(), Idempotency()],
        before_send=[_allow_every_method(allowed)],
        request_max_body_size=options.request_max_body_size,
        openapi_config=_openapi(),
        # Processes log JSON through the root logger (shared.telemetry); Litestar's default
        # logging config would replace it. Unhandled errors are logged by their handler.
        logging_config=None,
        debug=False,
    )
    _declare_body_limit(app)
    allowed.update(_methods_by_path(app))
    return app


def _methods_by_path(app: Litestar) -> dict[str, str]:
    """Each path template's methods, as `Allow` lists them."""
    return {route.path_format: ", ".join(sorted(route.methods))
            for route in app.routes if isinstance(route, HTTPRoute)}


def _allow_every_method(allowed: dict[str, str]) -> BeforeMessageSendHookHandler:
    """A hook that makes `OPTIONS` list every method of the path (from `allowed`) in `Allow`.

    Litestar answers `OPTIONS` with a handler it makes per path and router; where two routers
    serve one path (`/v1/documents/{id}`: public GET, keyed PATCH) the app merges the routes
    but keeps the first router's handler, whose `Allow` names only that router's methods.
    """

    async def list_every_method(message: Message, scope: Scope) -> None:
        if (message["type"] == "http.response.start" and scope.get("method") == "OPTIONS"
                and message["status"] == HTTP_204_NO_CONTENT
                and (methods := allowed.get(scope.get("path_template", ""))) is not None):
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
            message["headers"] = [*headers, (b"allow", methods.encode())]

    return list_every_method


def _declare_body_limit(app: Litestar) -> None:
    """Document 413 on every route that reads a body: `request_max_body_size` applies to all."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            reads_body = {"data", "request"} & handler.parsed_fn_signature.parameters.keys()
            if reads_body and handler.http_methods & {"POST", "PUT", "PATCH"}:
                handler.responses = {**problem_responses(413), **(handler.responses or {})}
