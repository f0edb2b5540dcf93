"""Who is signed in on a staff page, the guard every staff page uses, and the cookie.

The guard checks the role exactly as the API's guards do (services.gateway.auth): `admin`
may do everything, others only what the page names. A browser without a live session is sent
to sign in (303 to `/staff/sign-in?next=<this path>`); a person whose role may not open the
page gets the 403 page in their language (services.gateway.site.errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.response import Redirect

from services.gateway.auth import Guard
from services.gateway.keys import Role
from services.gateway.staff.audit import ACTOR_STATE, Actor
from services.gateway.staff.context import staff_of
from services.gateway.staff.nav import may_open

COOKIE: Final = "dlg_staff"
SIGN_IN: Final = "/staff/sign-in"
_STATE: Final = "staff_person"


@dataclass(frozen=True)
class Person:
    """The signed-in staff member of a request."""

    account_id: str
    name: str
    role: Role
    session_key: str


class SignInRequired(Exception):
    """No live session: the browser is sent to the sign-in page, then back to `path`."""

    def __init__(self, path: str) -> None:
        super().__init__("sign in first")
        self.path = path


def session_cookie(session_id: str) -> Cookie:
    """The session cookie: `Secure`, `HttpOnly`, `SameSite=Lax`, for the whole site.

    `Secure` always: browsers keep such cookies on http://localhost and 127.0.0.1 too, so
    development works, and a deployment behind plain http by mistake leaks no session."""
    return Cookie(key=COOKIE, value=session_id, path="/", secure=True, httponly=True,
                  samesite="lax")


def expired_cookie() -> Cookie:
    """The session cookie, cleared (sign-out)."""
    return Cookie(key=COOKIE, value="", path="/", secure=True, httponly=True, samesite="lax",
                  max_age=0, expires=0)


async def find_person(connection: ASGIConnection[Any, Any, Any, Any]) -> Person | None:
    """The person whose live session the request's cookie names, once per request; the
    session's `last_seen` moves on. None if signed out, ended, or the account is disabled."""
    state = connection.scope.setdefault("state", {})
    if _STATE in state:
        cached: Person | None = state[_STATE]
        return cached
    person = await _look_up(connection)
    state[_STATE] = person
    if person is not None:
        state[ACTOR_STATE] = Actor("account", person.account_id, person.role)
    return person


async def _look_up(connection: ASGIConnection[Any, Any, Any, Any]) -> Person | None:
    session_id = connection.cookies.get(COOKIE)
    if not session_id:
        return None
    staff = staff_of(connection.app)
    session = await staff.sign_ins.session(session_id, datetime.now(UTC))
    if session is None:
        return None
    account = await staff.accounts.get(session.account_id)
    if account is None or not account.active:
        return None
    return Person(account.id, account.name, account.role, session.key)


def signed_in_person(request: Request[Any, Any, Any]) -> Person | None:
    """The person the guard found (None on pages anyone may open, when signed out)."""
    person: Person | None = (request.scope.get("state") or {}).get(_STATE)
    return person


def staff_only(*roles: Role) -> Guard:
    """The guard of a staff page for `roles` (and admin). Its `roles` attribute lets the
    tests check every staff route with a role it refuses."""
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        person = await find_person(connection)
        if person is None:
            raise SignInRequired(connection.url.path if connection.scope.get("method") == "GET"
                                 else "/staff")
        if not may_open(person.role, allowed):
            raise PermissionDeniedException("this page is not for your role")

    guard.roles = allowed  # type: ignore[attr-defined]
    guard.__name__ = f"staff_only_{'_'.join(sorted(allowed | {'admin'}))}"
    return guard


def to_sign_in(_: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    """A signed-out browser goes to sign in, and comes back to the page it asked for."""
    return Redirect(f"{SIGN_IN}?{urlencode({'next': exc.path})}", status_code=303,
                    headers={"Cache-Control": "no-store"})
