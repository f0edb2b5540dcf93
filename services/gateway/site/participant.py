"""The participant's own page, reached from the link in every mail about a registration.

The link carries a signed token and mail scanners open every link, so a GET only shows: the
registration, its status, the join link when confirmed, the .ics. Cancelling (or leaving the
waiting list) takes a confirmation page and then a POST. An expired link gets a page saying so
and what to do (410); a bad one a plain 403 page.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from services.gateway.context import Gateway
from services.gateway.site.render import Page, render
from shared.contracts.registration import CancelByToken, ParticipantPage, Registered
from shared.contracts.rpc import RpcFailure

MAX_TOKEN = 1000


def _token(raw: str) -> CancelByToken:
    if not 0 < len(raw) <= MAX_TOKEN:
        raise RpcFailure("forbidden", "The link is incomplete.")
    return CancelByToken(token=raw)


def _page(template: str, context: dict[str, Any], status: int = 200,
          token: str | None = None) -> Page:
    # The token is in the address: no Referer may carry it away, no cache may keep the page.
    # After the POST, the switcher leads to the participant's page, which shows the new state.
    switch_to = f"/registrations/cancel?{urlencode({'token': token})}" if token else None
    return Page(template, context, status=status, caching="no-store", carries_token=True,
                switch_to=switch_to)


@get("/registrations/cancel", include_in_schema=False)
async def my_registration(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    token: Annotated[str, QueryParameter()] = "",
    confirm: Annotated[str, QueryParameter()] = "",
) -> Response[bytes]:
    """What the person registered for and its status; with `confirm=1`, the last step
    before cancelling."""
    try:
        mine = await gateway.call("registration", "describe_by_token", _token(token),
                                  ParticipantPage)
    except RpcFailure as failure:
        return _expired(request, failure)
    template = "participant_confirm.html" if confirm and mine.can_cancel else "participant.html"
    return render(request, _page(template, {"mine": mine, "token": token}))


@post("/registrations/cancel", include_in_schema=False, status_code=200)
async def cancel_mine(request: Request[Any, Any, Any],
                      gateway: NamedDependency[Gateway]) -> Response[bytes]:
    """Cancel the registration (or leave the waiting list) the token names."""
    form = await request.form()
    token = str(form.get("token") or "")
    try:
        before = await gateway.call("registration", "describe_by_token", _token(token),
                                    ParticipantPage)
        done = await gateway.call("registration", "cancel_by_token", _token(token), Registered)
    except RpcFailure as failure:
        return _expired(request, failure)
    return render(request, _page("participant_cancelled.html", {
        "mine": before, "done": done, "was": before.status}, token=token))


def _expired(request: Request[Any, Any, Any], failure: RpcFailure) -> Response[bytes]:
    if failure.code not in ("gone", "forbidden", "not_found"):
        raise failure
    status = {"gone": 410, "forbidden": 403, "not_found": 404}[failure.code]
    return render(request, _page("participant_invalid.html", {"status": status}, status))


HANDLERS = [my_registration, cancel_mine]
