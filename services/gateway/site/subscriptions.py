"""Subscribing to repository news from the site: the form, confirming, unsubscribing.

Double opt-in as the API does it: the form asks notify to mail a confirmation link, and nothing
else is sent until that link is followed. The mailed links carry a signed token and mail
scanners open every link, so a GET only shows; a button (POST) acts. An expired link gets a
page saying so with the way back (subscribe again, 410); a bad one a plain 403 page.

The `List-Unsubscribe` header of news mails does not point here: mail clients POST to the API
(`/v1/subscriptions/unsubscribe`, RFC 8058) with no page and no CSRF cookie. These pages are the
links in the mails' text, which people open in a browser.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from pydantic import ValidationError

from services.gateway.context import Gateway
from services.gateway.site import i18n
from services.gateway.site import subscription_form as form
from services.gateway.site.formatting import Reader
from services.gateway.site.render import Page, reader_of, render
from shared.contracts.notify.rpc import SubscriptionRequested, SubscriptionState, SubscriptionToken
from shared.contracts.rpc import RpcFailure

CONFIRM_LINK_DAYS = 7
"""How long the confirmation link works: notify signs it for 7 days (`SubscriptionService`)."""
REFUSALS = {"gone": 410, "forbidden": 403, "not_found": 404}
"""Token refusals that get this module's page, with the way back to the form."""


@get("/subscriptions", include_in_schema=False)
async def subscription_form(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The form, with the reader's language preselected for the e-mails."""
    reader = _reader(request)
    return render(request, _form(reader, form.initial(reader.lang), {}, 200))


@post("/subscriptions", include_in_schema=False, status_code=200)
async def subscribe(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
                    ) -> Response[bytes]:
    """Ask for the confirmation mail. The page is the same whether the address was known."""
    reader = _reader(request)
    values = form.submitted(await request.form())
    wish, errors = form.check(values)
    if wish is None:
        return render(request, _form(reader, values, errors, 422))
    await gateway.call("notify", "subscribe", wish, SubscriptionRequested)
    return render(request, Page("subscription_sent.html", {
        "email": wish.email, "days": CONFIRM_LINK_DAYS}, caching="no-store",
        switch_to="/subscriptions"))


@get("/subscriptions/confirm", include_in_schema=False)
async def confirm_page(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
                       token: Annotated[str, QueryParameter()] = "") -> Response[bytes]:
    """What confirming does, and the button that does it. Notify has no RPC that describes a
    pending subscription without acting on it, so the page cannot list the choices."""
    return await _token_page(request, gateway, token, "subscription_confirm.html")


@post("/subscriptions/confirm", include_in_schema=False, status_code=200)
async def confirm(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
                  ) -> Response[bytes]:
    """Confirm the subscription; say which mails come now, how often, and how to leave."""
    return await _token_page(request, gateway, await _posted_token(request),
                             "subscription_confirmed.html", "confirm_subscription")


@get("/subscriptions/unsubscribe", include_in_schema=False)
async def unsubscribe_page(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
                           token: Annotated[str, QueryParameter()] = "") -> Response[bytes]:
    """The subscription the link would end, and the button that ends it."""
    return await _token_page(request, gateway, token, "subscription_unsubscribe.html",
                             "describe_unsubscribe")


@post("/subscriptions/unsubscribe", include_in_schema=False, status_code=200)
async def unsubscribe(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
                      ) -> Response[bytes]:
    """End the subscription; the state before tells a repeat click from the first one."""
    return await _token_page(request, gateway, await _posted_token(request),
                             "subscription_unsubscribed.html", "describe_unsubscribe",
                             "unsubscribe")


def _reader(request: Request[Any, Any, Any]) -> Reader:
    # Messages made in Python (the form's errors) need the language before `render` sets it.
    reader = reader_of(request)
    i18n.use(reader.lang)
    return reader


def _form(reader: Reader, values: dict[str, Any], errors: dict[str, str], status: int) -> Page:
    context = {"values": values, "errors": errors, "has_errors": bool(errors),
               **form.choices(reader)}
    # The form carries a CSRF token, so no shared cache may keep it; a refused one has input.
    return Page("subscribe.html", context, status=status,
                caching="private" if status == 200 else "no-store", switch_to="/subscriptions")


async def _posted_token(request: Request[Any, Any, Any]) -> str:
    return str((await request.form()).get("token") or "")


async def _token_page(request: Request[Any, Any, Any], gateway: Gateway, token: str,
                      template: str, *actions: str) -> Response[bytes]:
    """`template` about the subscription `token` names, after asking notify each of
    `actions` in turn (their replies are `states`); an unusable token gets its own page."""
    try:
        checked = _checked(token)
        states = [await gateway.call("notify", action, checked, SubscriptionState)
                  for action in actions]
    except RpcFailure as failure:
        if failure.code not in REFUSALS:
            raise
        return render(request, _private("subscription_invalid.html", {
            "status": REFUSALS[failure.code]}, REFUSALS[failure.code]))
    # After a POST, the switcher reopens the same link (a GET that shows the new state).
    again = f"{request.url.path}?{urlencode({'token': token})}"
    return render(request, _private(template, {"token": token, "states": states},
                                    switch_to=again if request.method == "POST" else None))


def _checked(token: str) -> SubscriptionToken:
    """The token as notify takes it; a missing or mangled one is refused like a forged one."""
    try:
        return SubscriptionToken(token=token)
    except ValidationError:
        raise RpcFailure("forbidden", "The link is incomplete.") from None


def _private(template: str, context: dict[str, Any], status: int = 200,
             switch_to: str | None = None) -> Page:
    # The token is in the address or the form: no Referer may carry it away, no cache keep it.
    return Page(template, context, status=status, caching="no-store", carries_token=True,
                switch_to=switch_to)


HANDLERS = [subscription_form, subscribe, confirm_page, confirm, unsubscribe_page, unsubscribe]
