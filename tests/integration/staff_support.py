"""Helpers of the staff page tests: accounts and sessions made straight in the stores, and
requests that carry the `Secure` session cookie (httpx keeps such cookies for https only)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from litestar import Litestar

from services.gateway.keys import Role
from services.gateway.staff.accounts import StaffAccount
from services.gateway.staff.context import staff_of
from tests.integration.site_support import hidden_fields


async def account(app: Litestar, role: Role, email: str | None = None) -> StaffAccount:
    """A fresh active staff account of `role`."""
    return await staff_of(app).accounts.create(
        email or f"{role}-{datetime.now(UTC).timestamp()}@oas.example", f"Ana {role}", role,
        datetime.now(UTC))


async def session_of(app: Litestar, role: Role, *, at: datetime | None = None) -> str:
    """A session id (the cookie's value) of a new account of `role`, opened `at`."""
    person = await account(app, role)
    return await staff_of(app).sign_ins.open_session(person.id, at or datetime.now(UTC), "test")


def cookie_header(http: httpx.AsyncClient, session_id: str | None) -> dict[str, str]:
    """The Cookie header a browser sends: the client's cookies plus the session's."""
    jar = {**dict(http.cookies.items()), **({"dlg_staff": session_id} if session_id else {})}
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


async def csrf_token(http: httpx.AsyncClient) -> str:
    """A CSRF token (its cookie lands in the client's jar), from the sign-in page."""
    page = await http.get("/staff/sign-in")
    assert page.status_code == 200, page.text[:300]
    return hidden_fields(page.text)["_csrf_token"]
