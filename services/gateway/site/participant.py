"""The participant's own page, reached from the link in every mail about a registration.

The link carries a signed token and mail scanners open every link, so a GET only shows: the
registration, its status, the join link when confirmed, the .ics. Cancelling (or leaving the
waiting list) takes a confirmation page and then a POST. An expired link gets a page saying so
and what to do (410); a bad one a plain 403 page.

In sessions that hold places until the address is confirmed, the first mail carries a confirm
link instead (`/registrations/confirm`): the same way round, a GET shows what will be confirmed
and by when, and only the button (a POST) confirms.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from services.gateway.context import Gateway
from services.gateway.site.formatting import Reader, aware, zone
from services.gateway.site.render import Page, reader_of, render
from shared.contracts.registration.rpc import (
    CancelByToken,
    ConfirmByToken,
    ParticipantPage,
    Registered,
)
from shared.contracts.rpc import RpcFailure

MAX_TOKEN = 1000


def _token(raw: str) -> CancelByToken:
    if not 0 < len(raw) <= MAX_TOKEN:
        raise RpcFailure("forbidden", "The link is incomplete.")
    return CancelByToken(token=raw)


def _confirm_token(raw: str) -> ConfirmByToken:
    if not 0 < len(raw) <= MAX_TOKEN:
        raise RpcFailure("forbidden", "The link is incomplete.")
    return ConfirmByToken(token=raw)


def deadline_words(reader: Reader, moment: datetime, session_zone: str) -> dict[str, str]:
    """A deadline's date, time and zone in the reader's words: in the reader's zone if the
    browser told it, else in the session's (the zone is named either way)."""
    zone_name = reader.timezone if zone(reader.timezone) is not None and reader.timezone \
        else session_zone
    local = aware(moment).astimezone(zone(zone_name))
    return {"date": reader.date(local), "time": reader.time(moment, zone_name),
            "zone": reader.zone_label(zone_name)}


def _page(template: str, context: dict[str, Any], status: int = 200,
          token: str | None = None, path: str = "/registrations/cancel") -> Page:
    # The token is in the address: no Referer may carry it away, no cache may keep the page.
    # After the POST, the switcher leads to the page of the link, which shows the new state.
    switch_to = f"{path}?{urlencode({'token': token})}" if token else None
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
    return render(request, _page(template, {"mine": mine, "token": token,
                                            "deadline": _deadline(request, mine)}))


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


@get("/registrations/confirm", include_in_schema=False)
async def confirm_page(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    token: Annotated[str, QueryParameter()] = "",
) -> Response[bytes]:
    """What the mailed confirm link is about, and by when; the button confirms."""
    try:
        mine = await gateway.call("registration", "describe_by_confirm_token",
                                  _confirm_token(token), ParticipantPage)
    except RpcFailure as failure:
        return _expired(request, failure)
    if mine.status == "expired":  # the link's time is over, whatever its signature says
        return _expired(request, RpcFailure("gone", "The time to confirm is over."))
    return render(request, _page("registration_confirm.html", {
        "mine": mine, "token": token, "deadline": _deadline(request, mine)}))


@post("/registrations/confirm", include_in_schema=False, status_code=200)
async def confirm_mine(request: Request[Any, Any, Any],
                       gateway: NamedDependency[Gateway]) -> Response[bytes]:
    """Confirm the address: the held seat is taken, the waiting-list place kept, or the
    registration goes to the secretariat; the page says which and what follows."""
    token = str((await request.form()).get("token") or "")
    try:
        done = await gateway.call("registration", "confirm_by_token", _confirm_token(token),
                                  Registered)
        mine = await gateway.call("registration", "describe_by_confirm_token",
                                  _confirm_token(token), ParticipantPage)
    except RpcFailure as failure:
        return _expired(request, failure)
    return render(request, _page("registration_confirmed.html", {
        "mine": mine, "done": done}, token=token, path="/registrations/confirm"))


def _deadline(request: Request[Any, Any, Any], mine: ParticipantPage) -> dict[str, str] | None:
    if mine.confirm_by is None:
        return None
    return deadline_words(reader_of(request), mine.confirm_by, mine.session.timezone)


def _expired(request: Request[Any, Any, Any], failure: RpcFailure) -> Response[bytes]:
    if failure.code not in ("gone", "forbidden", "not_found"):
        raise failure
    status = {"gone": 410, "forbidden": 403, "not_found": 404}[failure.code]
    return render(request, _page("participant_invalid.html", {"status": status}, status))


HANDLERS = [my_registration, cancel_mine, confirm_page, confirm_mine]
