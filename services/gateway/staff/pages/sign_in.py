"""Signing in and out: ask for a link, follow it, press the button, sign out.

The answer to "mail me a link" is the same page, as fast, whether or not the address has an
account (nothing tells an outsider who is staff): the lookup and the mail happen in a task of
their own after the answer. The mailed link opens a page with a button, and only its POST
signs in, because mail scanners open links. These pages are open to everyone, behind the
public rate limit; each address is also sent at most STAFF_LINKS_PER_HOUR links.

When an OpenID Connect provider is configured (STAFF_OIDC_*), the sign-in page also offers
it: a POST starts the flow (`staff.oidc`), the provider sends the browser back to the
callback, and a verified address of an active account opens the same session as a link.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any, Final

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from services.gateway.context import Gateway, gateway_of
from services.gateway.keys import ROLES
from services.gateway.site.render import reader_of
from services.gateway.staff import oidc, rules
from services.gateway.staff.audit import ACTOR_STATE, Actor
from services.gateway.staff.context import Staff, staff_of
from services.gateway.staff.people import expired_cookie, find_person, session_cookie, staff_only
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.notify.rpc import SendSignInLink, SignInLinkSent

log = logging.getLogger(__name__)
_pending: set[asyncio.Task[None]] = set()
"""Mailing tasks in flight (a task nobody holds may be collected before it ends)."""


def _next(request: Request[Any, Any, Any], form: dict[str, Any] | None = None) -> str:
    source = form if form is not None else request.query_params
    return rules.local_path(str(source.get("next") or ""))


@get("/staff/sign-in", include_in_schema=False)
async def sign_in_form(request: Request[Any, Any, Any]) -> Response[Any]:
    """Ask for an address."""
    if await find_person(request) is not None:
        return Redirect(_next(request), status_code=303)
    return render_staff(request, StaffPage("sign_in.html", {
        "next": _next(request), "error": None, "email": "", "provider": _provider(request)}))


@post("/staff/sign-in", include_in_schema=False, status_code=200)
async def ask_for_link(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Mail a link if the address has an active account; answer alike either way."""
    form = dict(await request.form())
    email, target = str(form.get("email") or "").strip(), _next(request, form)
    if "@" not in email or len(email) > 254:
        return render_staff(request, StaffPage("sign_in.html", {
            "next": target, "error": "email", "email": email,
            "provider": _provider(request)}, status=422))
    task = asyncio.create_task(_mail_link(request.app.state.gateway, email,
                                          reader_of(request).lang, target))
    _pending.add(task)
    task.add_done_callback(_pending.discard)
    return render_staff(request, StaffPage("sign_in_sent.html", {"next": target}))


async def _mail_link(gateway: Gateway, email: str, lang: str, target: str) -> None:
    """Look the address up and, if it is staff, make a link and ask notify to mail it."""
    try:
        staff, now = Staff.on(gateway.db, gateway.options), datetime.now(UTC)
        account = await staff.accounts.active_by_address(email)
        if account is None or rules.too_many_links(
                await staff.sign_ins.links_sent_lately(account.id, now),
                staff.sign_ins.lifetimes.links_per_hour):
            return
        token = await staff.sign_ins.new_link(account.id, now)
        await gateway.call("notify", "send_sign_in_link", SendSignInLink(
            email=account.email, name=account.name, language=lang, token=token,
            minutes=gateway.options.staff_link_minutes, next=target), SignInLinkSent)
    except Exception as error:  # RpcFailure, no notify, database away: nothing is mailed
        log.warning("sign-in link not sent", extra={"error": type(error).__name__})


@get("/staff/sign-in/link", include_in_schema=False)
async def link_page(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The page a mailed link opens: one button that signs in (the link is not spent yet)."""
    token = request.query_params.get("token", "")
    live = bool(token) and await staff_of(request.app).sign_ins.link_is_live(
        token, datetime.now(UTC))
    return render_staff(request, StaffPage(
        "sign_in_link.html" if live else "sign_in_link_gone.html",
        {"token": token, "next": _next(request)}, status=200 if live else 410,
        carries_token=True))


@post("/staff/sign-in/link", include_in_schema=False, status_code=200)
async def sign_in_with_link(request: Request[Any, Any, Any]) -> Response[Any]:
    """Spend the link and open a session: the cookie, then the page asked for."""
    form = dict(await request.form())
    staff, now = staff_of(request.app), datetime.now(UTC)
    account_id = await staff.sign_ins.spend_link(str(form.get("token") or ""), now)
    account = None if account_id is None else await staff.accounts.get(account_id)
    if account is None or not account.active:
        return render_staff(request, StaffPage("sign_in_link_gone.html", {
            "token": "", "next": "/staff"}, status=410, carries_token=True))
    return await signed_in(request, account.id, account.role, "link", _next(request, form))


async def signed_in(request: Request[Any, Any, Any], account_id: str, role: str, via: str,
                    target: str) -> Response[Any]:
    """Open a session for an account and send the browser on (after a link or the
    OpenID Connect provider)."""
    session_id = await staff_of(request.app).sign_ins.open_session(
        account_id, datetime.now(UTC), via)
    request.scope["state"][ACTOR_STATE] = Actor("account", account_id, role)  # audited
    return Redirect(target, status_code=303, cookies=[session_cookie(session_id)],
                    headers={"Cache-Control": "no-store"})


def _provider(request: Request[Any, Any, Any]) -> oidc.Provider | None:
    gateway = gateway_of(request.app)
    return oidc.Provider.configured(gateway.options, gateway.settings.public_base_url)


def _flow_cookie(value: str, max_age: int) -> Cookie:
    """The signed flow, only for the callback: `Lax` lets the provider's redirect carry it."""
    return Cookie(key=oidc.COOKIE, value=value, path=oidc.CALLBACK, secure=True,
                  httponly=True, samesite="lax", max_age=max_age)


@post("/staff/sign-in/oidc", include_in_schema=False, status_code=200)
async def sign_in_with_provider(request: Request[Any, Any, Any]) -> Response[Any]:
    """Send the browser to the provider, the flow's secrets in a signed cookie."""
    provider, target = _provider(request), _next(request, dict(await request.form()))
    try:
        if provider is None:
            raise oidc.OidcFailure("unavailable")
        flow = oidc.Flow.start(target)
        address = await oidc.authorization_url(provider, flow)
    except oidc.OidcFailure as failure:
        return _failed(request, failure)
    sealed = flow.seal(gateway_of(request.app).settings.token_secret)
    return Redirect(address, status_code=303, cookies=[
        _flow_cookie(sealed, oidc.FLOW_MINUTES * 60)], headers={"Cache-Control": "no-store"})


@get(oidc.CALLBACK, include_in_schema=False)
async def provider_callback(request: Request[Any, Any, Any]) -> Response[Any]:
    """Back from the provider: the flow checked, the address verified, the session opened."""
    params, provider = request.query_params, _provider(request)
    try:
        flow = oidc.Flow.unseal(request.cookies.get(oidc.COOKIE, ""),
                                gateway_of(request.app).settings.token_secret)
        if provider is None or params.get("state") != flow.state:
            raise oidc.OidcFailure("expired")
        if params.get("error") or not params.get("code"):
            raise oidc.OidcFailure("refused")
        email = await oidc.verified_email(provider, flow, str(params["code"]))
        account = await staff_of(request.app).accounts.active_by_address(email)
        if account is None:
            raise oidc.OidcFailure("unknown")
    except oidc.OidcFailure as failure:
        return _failed(request, failure)
    answer = await signed_in(request, account.id, account.role, "oidc", flow.next)
    answer.cookies.append(_flow_cookie("", 0))
    return answer


def _failed(request: Request[Any, Any, Any], failure: oidc.OidcFailure) -> Response[bytes]:
    """The page that says why, in the reader's language; the flow's cookie forgotten."""
    status = 502 if failure.reason == "unavailable" else 403
    page = render_staff(request, StaffPage("sign_in_oidc_failed.html", {
        "reason": failure.reason}, status=status, carries_token=True))
    page.cookies.append(_flow_cookie("", 0))
    return page


@post("/staff/sign-out", include_in_schema=False, status_code=200,
      guards=[staff_only(*ROLES)])
async def sign_out(request: Request[Any, Any, Any]) -> Response[Any]:
    """End this browser's session and forget the cookie."""
    await staff_of(request.app).sign_ins.close(request.cookies.get("dlg_staff", ""))
    return Redirect("/staff/sign-in", status_code=303, cookies=[expired_cookie()],
                    headers={"Cache-Control": "no-store"})


HANDLERS = [sign_in_form, ask_for_link, link_page, sign_in_with_link, sign_in_with_provider,
            provider_callback, sign_out]
PUBLIC_PATHS: Final = frozenset({"/staff/sign-in", "/staff/sign-in/link", "/staff/sign-in/oidc",
                                 oidc.CALLBACK})
"""Staff pages open to the signed-out (tests check every other staff route is guarded)."""
