"""Who is calling: the API key a request presents, and guards that demand a role.

No key, an unknown key or a revoked key is 401 (with `WWW-Authenticate`); a valid key whose
role may not use the route is 403. Keys are never logged: only key ids appear anywhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from services.gateway.context import gateway_of
from services.gateway.keys import ApiKey, Role
from services.gateway.problems import problem

SECURITY: Final[list[dict[str, list[str]]]] = [{"bearerKey": []}, {"apiKeyHeader": []}]
"""OpenAPI `security` of keyed routes: either way of presenting a key will do."""

_STATE_KEY: Final = "api_key"
_CHALLENGE: Final = 'Bearer realm="dialogues"'

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key in `Authorization: Bearer <key>` or else in `X-API-Key`, if any."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key", "").strip() or None


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> ApiKey:
    """The live key of this request, looked up once per request; 401 problem if there is none."""
    cached = connection.state.get(_STATE_KEY)
    if isinstance(cached, ApiKey):
        return cached
    presented = presented_key(connection.headers)
    if presented is None:
        raise problem(401, "This route needs an API key (Authorization: Bearer <key> or "
                      "X-API-Key).", headers={"WWW-Authenticate": _CHALLENGE})
    key = await gateway_of(connection.app).keys.authenticate(presented)
    if key is None:
        raise problem(401, "The API key is unknown or revoked.",
                      headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'})
    connection.state[_STATE_KEY] = key
    return key


def requires_role(*roles: Role) -> Guard:
    """A guard letting through keys of these roles; `admin` may do everything."""
    allowed = frozenset(roles) | {"admin"}

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        key = await authenticate(connection)
        if key.role not in allowed:
            raise problem(403, f"A key with the role {key.role!r} may not use this route.")

    guard.__name__ = f"requires_role_{'_'.join(sorted(allowed))}"
    return guard


async def secretariat_asks(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Whether the request carries a secretariat (or admin) key, on routes the public reads
    too (drafts, join URLs, provenance are shown only then). No key is the public's read; a
    key that is presented but unknown is a 401, as on every keyed route."""
    if presented_key(connection.headers) is None:
        return False
    return (await authenticate(connection)).role in ("secretariat", "admin")


async def provide_caller(request: Request[Any, Any, Any]) -> ApiKey:
    """Dependency: the key of the request (already checked by the route's guard)."""
    return await authenticate(request)
