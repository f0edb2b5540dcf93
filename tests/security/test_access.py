"""Who may call what: every keyed route of the OpenAPI document, tokens, rate limits."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from services.gateway.app import create_app
from services.gateway.keys import ROLES, Role
from services.gateway.settings import GatewaySettings
from services.notify.domain.subscriptions import CONFIRM, UNSUBSCRIBE
from services.registration.events import CANCEL_ACTION
from shared.service import RunningService
from shared.settings import Settings
from shared.tokens import Signer
from tests.support import assert_problem, serving
from tests.support.sessions import person, published_session

pytestmark = pytest.mark.security

MakeKey = Callable[[Role], Awaitable[str]]
GUARD = re.compile(r"^requires_role_(.+)$")


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    """Room for every request of these tests (the 429 test makes an app of its own)."""
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


def handler_of(app: Litestar, method: str, path: str) -> HTTPRouteHandler:
    """The handler behind an OpenAPI operation (`/v1/sessions/{session_id}`)."""
    for route in app.routes:
        if isinstance(route, HTTPRoute) and re.sub(r":\w+}", "}", route.path) == path:
            for handler in route.route_handlers:
                if method.upper() in handler.http_methods:
                    return handler
    raise AssertionError(f"no handler for {method} {path}")


def allowed_roles(handler: HTTPRouteHandler) -> frozenset[str]:
    """The roles the route's `requires_role` guard admits (admin always does)."""
    names = [GUARD.match(getattr(g, "__name__", "")) for g in handler.resolve_guards()]
    found = [m.group(1) for m in names if m]
    assert len(found) == 1, f"{handler} has {len(found)} role guards"
    return frozenset(found[0].split("_"))


def keyed_operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((method, path) for path, operations in document["paths"].items()
                  for method, operation in operations.items() if operation.get("security"))


async def test_every_keyed_route_refuses_no_key_and_the_wrong_role(
    gateway_app: Litestar, gateway_http: httpx.AsyncClient, make_key: MakeKey
) -> None:
    document = (await gateway_http.get("/schema/openapi.json")).json()
    operations = keyed_operations(document)
    assert len(operations) >= 30, operations
    keys: dict[str, str] = {role: await make_key(role) for role in ROLES}
    revoked = await make_key("editor")
    await gateway_http.delete(f"/v1/keys/{revoked.split('_')[1]}",
                              headers={"X-API-Key": keys["admin"]})
    every_role: list[str] = []
    for method, template in operations:
        path = re.sub(r"{\w+}", "x0", template)
        body: dict[str, Any] | None = {} if method in ("post", "put", "patch") else None

        async def send(headers: dict[str, str], method: str = method, path: str = path,
                       body: Any = body) -> httpx.Response:
            return await gateway_http.request(method, path, json=body, headers=headers)

        label = f"{method.upper()} {template}"
        anonymous = await send({})
        assert "key" in str(assert_problem(anonymous, 401)["detail"]), label
        assert anonymous.headers["www-authenticate"].startswith("Bearer"), label
        assert_problem(await send({"X-API-Key": "dlg_0000_forged"}), 401)
        assert_problem(await send({"Authorization": f"Bearer {revoked}"}), 401)
        allowed = allowed_roles(handler_of(gateway_app, method, template))
        wrong = [role for role in ROLES if role not in allowed]
        if not wrong:
            every_role.append(label)
            continue
        for role in wrong:
            assert_problem(await send({"Authorization": f"Bearer {keys[role]}"}), 403)
        right = sorted(allowed - {"admin"}) or ["admin"]
        answer = await send({"X-API-Key": keys[right[0]]})
        assert answer.status_code not in (401, 403, 500), (label, right[0], answer.text)
    assert every_role == ["GET /v1/me"]


async def test_statistics_filters_need_the_secretariat(
    gateway_http: httpx.AsyncClient, make_key: MakeKey
) -> None:
    assert (await gateway_http.get("/v1/stats/registration")).status_code == 200
    filtered = "/v1/stats/registration?session_id=abc"
    assert_problem(await gateway_http.get(filtered), 401)
    editor = await make_key("editor")
    assert_problem(await gateway_http.get(filtered, headers={"X-API-Key": editor}), 403)


async def _post_token(http: httpx.AsyncClient, path: str, token: str) -> httpx.Response:
    """The token where the route takes it: unsubscribing (RFC 8058 one-click) in the query,
    the others in the JSON body."""
    if path.endswith("/unsubscribe"):
        return await http.post(path, params={"token": token})
    return await http.post(path, json={"token": token})


async def test_tampered_and_expired_tokens_are_refused(
    gateway_http: httpx.AsyncClient, make_key: MakeKey, settings: Settings
) -> None:
    signer, now = Signer(settings.token_secret), datetime.now(UTC)
    session_id = await published_session(gateway_http, await make_key("secretariat"))
    registered = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                         json=person())
    registration_id = registered.json()["registration_id"]
    cases = [("/v1/registrations/cancel", CANCEL_ACTION, registration_id),
             ("/v1/subscriptions/confirm", CONFIRM, "sub0"),
             ("/v1/subscriptions/unsubscribe", UNSUBSCRIBE, "sub0")]
    other = Signer("another secret of enough length")
    for path, action, subject in cases:
        valid = signer.issue(subject, action, now=now, ttl=timedelta(days=1))
        payload, _, signature = valid.partition(".")
        expired = signer.issue(subject, action, now=now - timedelta(days=3),
                               ttl=timedelta(days=1))
        for bad in (f"{payload}.{signature[::-1]}", f"{payload}x.{signature}",
                    f"{payload}.{signature[:-2]}ñé",
                    other.issue(subject, action, now=now, ttl=timedelta(days=1)),
                    signer.issue(subject, "another.action", now=now, ttl=timedelta(days=1))):
            assert_problem(await _post_token(gateway_http, path, bad), 403)
        assert_problem(await _post_token(gateway_http, path, expired), 410)
    for bad in ("not-a-token-at-all", "ñ" * 20):
        answer = await gateway_http.get("/v1/subscriptions/unsubscribe", params={"token": bad})
        assert_problem(answer, 403)
    # Refusals changed nothing: the registration is still confirmed.
    rows = await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                  headers={"X-API-Key": await make_key("secretariat")})
    assert [row["status"] for row in rows.json()["items"]] == ["confirmed"]


async def test_public_routes_answer_429_with_retry_after(
    settings: Settings, gateway_settings: GatewaySettings,
    running_services: dict[str, RunningService]
) -> None:
    app = create_app(settings, gateway_settings.model_copy(update={"public_rate_limit": 5}))
    async with serving(app) as http:
        answers = [await http.get("/v1/sessions") for _ in range(5)]
        assert [a.status_code for a in answers] == [200] * 5
        for path in ("/v1/sessions", "/v1/search?q=x", "/oai?verb=Identify",
                     "/v1/reference"):
            limited = await http.get(path)
            assert_problem(limited, 429)
            assert 1 <= int(limited.headers["retry-after"]) <= 60
        # A keyed route outside the public router is not counted against the client.
        assert (await http.get("/v1/me")).status_code == 401
