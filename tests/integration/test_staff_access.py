"""Staff pages without the services: every staff route guarded and CSRF-checked, sessions
ending by inactivity, revocation and disabling, and the audit log. The routes are read from
the app, so a page added later is covered without touching this file."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from services.gateway.app import create_app
from services.gateway.keys import ROLES
from services.gateway.settings import GatewaySettings
from services.gateway.staff.context import staff_of
from services.gateway.staff.pages.sign_in import PUBLIC_PATHS
from shared.settings import Settings
from tests.integration.staff_support import account, cookie_header, csrf_token, session_of
from tests.support import eventually, new_key, serving

pytestmark = pytest.mark.integration


@pytest.fixture
def app(settings: Settings) -> Litestar:
    """The gateway, with no service behind it (staff sign-in needs only its own database)."""
    return create_app(settings, GatewaySettings())


@pytest.fixture
async def http(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(app) as client:
        yield client


def staff_routes(app: Litestar) -> Iterator[tuple[str, str, HTTPRouteHandler]]:
    """(method, path with ids filled in, handler) of every route under /staff."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/staff"):
            continue
        path = re.sub(r"\{[^}]+\}", "x1", route.path)
        for handler in route.route_handlers:
            for method in handler.http_methods - {"HEAD", "OPTIONS"}:
                yield method, path, handler


def roles_of(handler: HTTPRouteHandler) -> frozenset[str] | None:
    """The roles the handler's staff guard lets in (None: it has none)."""
    found = [g for g in handler.resolve_guards() if hasattr(g, "roles")]
    return frozenset(found[0].roles) if found else None  # type: ignore[attr-defined]


async def test_every_staff_route_sends_strangers_to_sign_in_and_refuses_other_roles(
        app: Litestar, http: httpx.AsyncClient) -> None:
    token = await csrf_token(http)
    routes = list(staff_routes(app))
    assert len(routes) >= 10
    for method, path, handler in routes:
        roles = roles_of(handler)
        if path in PUBLIC_PATHS:
            continue
        assert roles is not None, f"{method} {path} has no staff guard"
        data = {"_csrf_token": token} if method == "POST" else None
        out = await http.request(method, path, data=data, headers=cookie_header(http, None))
        assert out.status_code == 303, (method, path, out.status_code)
        expected_next = path if method == "GET" else "/staff"
        assert out.headers["location"] == f"/staff/sign-in?next={expected_next.replace('/', '%2F')}"
        refused = sorted(set(ROLES) - roles - {"admin"})
        if refused:
            session = await session_of(app, refused[0])  # type: ignore[arg-type]
            out = await http.request(method, path, data=data,
                                     headers={**cookie_header(http, session),
                                              "Accept-Language": "fr"})
            assert out.status_code == 403, (method, path, out.status_code)
            assert out.headers["content-type"].startswith("text/html")
            assert out.headers["content-language"] == "fr"


async def test_every_staff_form_needs_its_csrf_token(app: Litestar,
                                                     http: httpx.AsyncClient) -> None:
    admin = await session_of(app, "admin")
    posts = [(m, p) for m, p, _ in staff_routes(app) if m == "POST"]
    assert len(posts) >= 6
    for method, path in posts:
        out = await http.request(method, path, data={"email": "a@b.example"},
                                 headers=cookie_header(http, admin))
        assert out.status_code == 403, (path, out.status_code)
        assert out.headers["content-type"].startswith("text/html")


async def test_sessions_end_by_inactivity_sign_out_revocation_and_disabling(
        app: Litestar, http: httpx.AsyncClient) -> None:
    idle = GatewaySettings().staff_idle_minutes
    stale = await session_of(app, "editor", at=datetime.now(UTC) - timedelta(minutes=idle + 1))
    assert (await http.get("/staff", headers=cookie_header(http, stale))).status_code == 303
    lively = await session_of(app, "editor", at=datetime.now(UTC) - timedelta(
        minutes=idle - 2))
    home = await http.get("/staff", headers=cookie_header(http, lively))
    assert home.status_code == 200 and "Ana editor" in home.text
    assert home.headers["cache-control"] == "no-store"

    token = await csrf_token(http)
    out = await http.post("/staff/sign-out", data={"_csrf_token": token},
                          headers=cookie_header(http, lively))
    assert out.status_code == 303 and out.headers["location"] == "/staff/sign-in"
    assert 'dlg_staff=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers[
        "set-cookie"]
    assert (await http.get("/staff", headers=cookie_header(http, lively))).status_code == 303

    admin_key = {"Authorization": f"Bearer {await new_key(app, 'admin')}"}
    person = await account(app, "secretariat")
    staff = staff_of(app)
    first = await staff.sign_ins.open_session(person.id, datetime.now(UTC), "test")
    second = await staff.sign_ins.open_session(person.id, datetime.now(UTC), "test")
    revoked = await http.delete(f"/v1/staff/accounts/{person.id}/sessions", headers=admin_key)
    assert revoked.status_code == 200 and revoked.json() == {"sessions": 2}
    for session in (first, second):
        assert (await http.get("/staff", headers=cookie_header(http, session))).status_code == 303

    third = await staff.sign_ins.open_session(person.id, datetime.now(UTC), "test")
    changed = await http.patch(f"/v1/staff/accounts/{person.id}", json={"active": False},
                               headers=admin_key)
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert (await http.get("/staff", headers=cookie_header(http, third))).status_code == 303


async def test_actions_are_audited_without_personal_data(app: Litestar,
                                                         http: httpx.AsyncClient) -> None:
    key = await new_key(app, "admin")
    admin_key = {"Authorization": f"Bearer {key}"}
    created = await http.post("/v1/staff/accounts", headers=admin_key, json={
        "email": "Maria.Perez@oas.example", "name": "María Pérez", "role": "translator"})
    assert created.status_code == 201, created.text
    again = await http.post("/v1/staff/accounts", headers=admin_key, json={
        "email": "maria.perez@oas.example", "name": "M", "role": "editor"})
    assert again.status_code == 409
    admin = await session_of(app, "admin")
    token = await csrf_token(http)
    page_post = await http.post(f"/staff/admin/accounts/{created.json()['id']}/revoke",
                                data={"_csrf_token": token}, headers=cookie_header(http, admin))
    assert page_post.status_code == 303

    async def three_records() -> list[dict[str, object]]:
        listed = await http.get("/v1/audit", headers=admin_key)
        assert listed.status_code == 200
        items: list[dict[str, object]] = listed.json()["items"]
        return items if len(items) >= 3 else []

    items = await eventually(three_records, 5.0)
    page, api_conflict, api_create = items[:3]
    key_id = key.split("_")[1]
    assert api_create["actor"] == {"kind": "key", "id": key_id, "role": "admin"}
    assert (api_create["method"], api_create["route"], api_create["status"]) == (
        "POST", "/v1/staff/accounts", 201)
    assert api_conflict["status"] == 409
    assert page["route"] == "/staff/admin/accounts/{account_id}/revoke"
    assert page["ids"] == {"account_id": created.json()["id"]}
    assert page["actor"]["kind"] == "account"  # type: ignore[index]
    everything = str(await staff_of(app).audit.collection.find({}).to_list())
    assert "perez" not in everything.lower() and "María" not in everything
    html = await http.get("/staff/admin/audit", headers=cookie_header(http, admin))
    assert html.status_code == 200 and "/v1/staff/accounts" in html.text
