"""Admin pages: staff accounts, API keys and the audit log (admin role only).

Each form posts to its own address and answers with a redirect back to the list (POST,
redirect, GET), except creating a key, which shows the key on the answer itself, once.
They use the same stores as the `/v1/staff/accounts`, `/v1/keys` and `/v1/audit` routes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from services.gateway.context import gateway_of
from services.gateway.keys import ROLES, as_role
from services.gateway.staff.accounts import AccountExists
from services.gateway.staff.context import staff_of
from services.gateway.staff.people import staff_only
from services.gateway.staff.render import StaffPage, render_staff

ADMIN = [staff_only()]
SHOWN = 200
"""Rows a list page shows (the API pages through the rest)."""


def _back(path: str) -> Redirect:
    return Redirect(path, status_code=303, headers={"Cache-Control": "no-store"})


async def _accounts_page(request: Request[Any, Any, Any], error: str | None = None,
                         status: int = 200) -> Response[bytes]:
    staff = staff_of(request.app)
    accounts, _ = await staff.accounts.page(SHOWN)
    rows = [(account, await staff.sign_ins.count_open(account.id)) for account in accounts]
    return render_staff(request, StaffPage("admin_accounts.html", {
        "rows": rows, "roles": ROLES, "error": error}, status=status))


@get("/staff/admin/accounts", include_in_schema=False, guards=ADMIN)
async def accounts(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Every staff account, its role, state and open sessions; a form to add one."""
    return await _accounts_page(request)


@post("/staff/admin/accounts", include_in_schema=False, guards=ADMIN, status_code=200)
async def add_account(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create an account from the form."""
    form = dict(await request.form())
    email, name = str(form.get("email", "")).strip(), str(form.get("name", "")).strip()
    role = as_role(str(form.get("role", "")))
    if role is None or not name or "@" not in email or len(email) > 254 or len(name) > 200:
        return await _accounts_page(request, "invalid", 422)
    try:
        await staff_of(request.app).accounts.create(email, name, role, datetime.now(UTC))
    except AccountExists:
        return await _accounts_page(request, "exists", 409)
    return _back("/staff/admin/accounts")


@post("/staff/admin/accounts/{account_id:str}", include_in_schema=False, guards=ADMIN,
      status_code=200)
async def change_account(request: Request[Any, Any, Any],
                         account_id: FromPath[str]) -> Response[Any]:
    """Change the role, disable or enable (disabling also signs the person out)."""
    form = dict(await request.form())
    staff = staff_of(request.app)
    active = {"disable": False, "enable": True}.get(str(form.get("action", "")))
    changed = await staff.accounts.change(account_id, role=as_role(str(form.get("role", ""))),
                                          active=active)
    if changed is None:
        return await _accounts_page(request, "missing", 404)
    if active is False:
        await staff.sign_ins.revoke_all(account_id)
    return _back("/staff/admin/accounts")


@post("/staff/admin/accounts/{account_id:str}/revoke", include_in_schema=False,
      guards=ADMIN, status_code=200)
async def revoke_sessions(request: Request[Any, Any, Any],
                          account_id: FromPath[str]) -> Response[Any]:
    """Sign the person out everywhere."""
    await staff_of(request.app).sign_ins.revoke_all(account_id)
    return _back("/staff/admin/accounts")


async def _keys_page(request: Request[Any, Any, Any], created: str | None = None,
                     status: int = 200) -> Response[bytes]:
    keys, _ = await gateway_of(request.app).keys.page(SHOWN)
    return render_staff(request, StaffPage("admin_keys.html", {
        "keys": keys, "roles": ROLES, "created": created}, status=status))


@get("/staff/admin/keys", include_in_schema=False, guards=ADMIN)
async def keys(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Every API key (never the key itself); a form to create one."""
    return await _keys_page(request)


@post("/staff/admin/keys", include_in_schema=False, guards=ADMIN, status_code=200)
async def create_key(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Create a key and show it this once (the page is not cached)."""
    form = dict(await request.form())
    role, name = as_role(str(form.get("role", ""))), str(form.get("name", "")).strip()
    if role is None or not name or len(name) > 200:
        return await _keys_page(request, status=422)
    _, key = await gateway_of(request.app).keys.create(role, name, datetime.now(UTC))
    return await _keys_page(request, created=key, status=201)


@post("/staff/admin/keys/{key_id:str}/revoke", include_in_schema=False, guards=ADMIN,
      status_code=200)
async def revoke_key(request: Request[Any, Any, Any], key_id: FromPath[str]) -> Response[Any]:
    """Revoke a key at once."""
    await gateway_of(request.app).keys.revoke(key_id, datetime.now(UTC))
    return _back("/staff/admin/keys")


@get("/staff/admin/audit", include_in_schema=False, guards=ADMIN)
async def audit(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The latest recorded actions, newest first."""
    records, _ = await staff_of(request.app).audit.page(SHOWN)
    return render_staff(request, StaffPage("admin_audit.html", {"records": records}))


HANDLERS = [accounts, add_account, change_account, revoke_sessions, keys, create_key,
            revoke_key, audit]
