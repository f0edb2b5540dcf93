"""Error pages: a browser on the site gets a page in its reader's language, never JSON.

The API keeps its RFC 9457 problem details. Errors raised before any site handler runs (an
unknown address, a refused CSRF token, the rate limit) are handled at the app level, so this
plugin wraps each app-level handler: a site path gets the page, an API path the problem.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.config.app import AppConfig
from litestar.exceptions import HTTPException
from litestar.plugins import InitPluginProtocol
from litestar.plugins.problem_details import ProblemDetailsException
from pymongo.errors import ConnectionFailure

from services.gateway.problems import RPC_STATUS
from services.gateway.site.render import Page, render
from services.gateway.site.security import is_site_path
from shared.contracts.rpc import RpcFailure

log = logging.getLogger(__name__)
KNOWN = frozenset({400, 403, 404, 405, 410, 413, 422, 429, 500, 503})
Handler = Callable[[Request[Any, Any, Any], Exception], Response[Any]]


def status_of(exc: Exception) -> int:
    """The HTTP status an exception stands for."""
    if isinstance(exc, ProblemDetailsException | HTTPException):
        return exc.status_code
    if isinstance(exc, RpcFailure):
        return RPC_STATUS[exc.code]
    if isinstance(exc, ConnectionFailure):
        return 503
    return 500


def error_page(request: Request[Any, Any, Any], status: int,
               headers: dict[str, str] | None = None) -> Response[bytes]:
    """The error page for `status`, in the reader's language."""
    shown = status if status in KNOWN else (500 if status >= 500 else 400)
    return render(request, Page("error.html", {"status": shown}, status=status,
                                caching="no-store", headers=headers or {},
                                carries_token="token" in request.query_params))


def _for_site(handler: Handler) -> Handler:
    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        if not is_site_path(request.url.path) or _wants_json(request):
            return handler(request, exc)
        status = status_of(exc)
        if status >= 500 and not isinstance(exc, RpcFailure | ConnectionFailure):
            log.error("page failed", exc_info=exc,
                      extra={"route": request.scope.get("path_template")})
        raw = getattr(exc, "headers", None) or {}
        kept = {k: v for k, v in dict(raw).items() if k.lower() == "retry-after"}
        return error_page(request, status, kept)

    return handle


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


class SiteErrorPages(InitPluginProtocol):
    """Wraps every app-level exception handler so site paths get HTML pages."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Runs after the problem-details plugin has installed its handlers."""
        handlers = dict(app_config.exception_handlers)
        handlers.setdefault(Exception, _fallback)
        app_config.exception_handlers = {
            kind: _for_site(handler) for kind, handler in handlers.items()}
        return app_config


def _fallback(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    raise exc
