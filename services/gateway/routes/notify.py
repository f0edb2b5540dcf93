"""Routes of the notify service: subscriptions and the delivery log."""

from __future__ import annotations

import json
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.types import ControllerRouterHandler

from services.gateway.auth import SECURITY, provide_caller, requires_role
from services.gateway.context import Gateway
from services.gateway.keys import ApiKey
from services.gateway.pages import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor
from services.gateway.problems import problem, problem_responses
from shared.contracts.notify.rpc import (
    DeliveryPage,
    DeliveryStatus,
    DeliveryView,
    ListDeliveries,
    MailKind,
    RetryDelivery,
    Subscribe,
    SubscriptionRequested,
    SubscriptionState,
    SubscriptionToken,
)

SECRETARIAT = [requires_role("secretariat")]


@get("/notifications", summary="The delivery log", guards=SECRETARIAT, security=SECURITY,
     tags=["notifications"], dependencies={"caller": Provide(provide_caller)},
     responses=problem_responses(400, 401, 403, 503))
async def list_notifications(
    gateway: NamedDependency[Gateway],
    caller: NamedDependency[ApiKey],
    status: Annotated[DeliveryStatus | None, QueryParameter()] = None,
    kind: Annotated[MailKind | None, QueryParameter()] = None,
    session: Annotated[str | None, QueryParameter(max_length=100)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, QueryParameter(max_length=400)] = None,
) -> Page[DeliveryView]:
    """Mails newest first, with status, attempts and the SMTP answer; addresses are masked
    unless the caller is an admin."""
    try:
        after = decode_cursor(cursor) if cursor else None
    except ValueError:
        raise problem(400, "The cursor is not one this API gave out.") from None
    page = await gateway.call("notify", "list_deliveries", ListDeliveries(
        status=status, kind=kind, session_id=session, limit=limit, after=after,
        reveal_addresses=caller.role == "admin"), DeliveryPage)
    return Page[DeliveryView](items=page.items, next_cursor=encode_cursor(page.next_after))


@post("/notifications/{delivery_id:str}/retry", summary="Send a failed mail again",
      guards=SECRETARIAT, security=SECURITY, tags=["notifications"], status_code=202,
      responses=problem_responses(401, 403, 404, 409, 503))
async def retry_notification(gateway: NamedDependency[Gateway],
                             delivery_id: FromPath[str]) -> DeliveryView:
    """Queue a failed mail again (same Message-ID); 409 if it is not failed."""
    return await gateway.call("notify", "retry_delivery",
                              RetryDelivery(delivery_id=delivery_id), DeliveryView)


@post("/subscriptions", summary="Subscribe to repository news (double opt-in)",
      tags=["subscriptions"], status_code=202, responses=problem_responses(400, 413, 429, 503))
async def subscribe(gateway: NamedDependency[Gateway], data: JSONBody[Subscribe]
                    ) -> SubscriptionRequested:
    """Mail a confirmation link to the address; no news is sent until it is followed. The
    answer is the same whether the address was known or not."""
    return await gateway.call("notify", "subscribe", data, SubscriptionRequested)


@post("/subscriptions/confirm", summary="Confirm a subscription", tags=["subscriptions"],
      status_code=200, responses=problem_responses(400, 403, 404, 410, 429, 503))
async def confirm_subscription(gateway: NamedDependency[Gateway],
                               data: JSONBody[SubscriptionToken]) -> SubscriptionState:
    """Activate the subscription the mailed token names."""
    return await gateway.call("notify", "confirm_subscription", data, SubscriptionState)


@post("/subscriptions/unsubscribe", summary="Unsubscribe (also RFC 8058 one-click)",
      tags=["subscriptions"], status_code=200,
      responses=problem_responses(400, 403, 404, 410, 429, 503))
async def unsubscribe(gateway: NamedDependency[Gateway], request: Request[Any, Any, Any],
                      token: Annotated[str | None, QueryParameter(max_length=500)] = None
                      ) -> SubscriptionState:
    """End a subscription. The token comes in the query (the `List-Unsubscribe` link, posted
    by mail clients with `List-Unsubscribe=One-Click`) or as `{"token": ...}` in the body."""
    if token is None:
        token = _token_from_body(await request.body())
    return await gateway.call("notify", "unsubscribe", _token(token), SubscriptionState)


@get("/subscriptions/unsubscribe", summary="What unsubscribing would do",
     tags=["subscriptions"], responses=problem_responses(400, 403, 404, 410, 429, 503))
async def describe_unsubscribe(
    gateway: NamedDependency[Gateway],
    token: Annotated[str, QueryParameter(min_length=10, max_length=500)],
) -> SubscriptionState:
    """Shows the subscription the token would end; changes nothing (a token acts on POST)."""
    return await gateway.call("notify", "describe_unsubscribe", _token(token),
                              SubscriptionState)


def _token(token: str) -> SubscriptionToken:
    try:
        return SubscriptionToken(token=token)
    except ValueError:
        raise problem(400, "The token is malformed.", kind="invalid-request") from None


def _token_from_body(body: bytes) -> str:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        parsed = None
    token = parsed.get("token") if isinstance(parsed, dict) else None
    if not isinstance(token, str):
        raise problem(400, "Give the token in the query (`?token=`) or as {\"token\": ...}.",
                      kind="invalid-request")
    return token


PUBLIC_HANDLERS: list[ControllerRouterHandler] = [
    subscribe, confirm_subscription, unsubscribe, describe_unsubscribe]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [list_notifications, retry_notification]
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
