"""Routes of the notify service: subscriptions and the delivery log."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.types import ControllerRouterHandler
from pydantic import Field

from services.gateway.auth import SECURITY, provide_caller, requires_role
from services.gateway.context import Gateway
from services.gateway.keys import ApiKey
from services.gateway.pages import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor
from services.gateway.problems import problem, problem_responses
from services.gateway.routes.openapi_docs import JsonBody, cursor_query, operation
from shared.contracts.addresses import STATED_ADDRESS, StatedAddress
from shared.contracts.exact import JsonBool
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
MAX_POSITION = 200
"""The longest list position the notify service takes (`ListDeliveries.after`)."""
SUBSCRIPTION = {"email": "ana.perez@example.org", "language": "es",
                "topics": ["sustainable_procurement"], "types": ["guide"]}
MAILED_TOKEN = {"token": "the-token-of-the-mailed-link"}


class Subscription(Subscribe):
    """The API's subscription request: the address as `STATED_ADDRESS` says (the site's form
    keeps `Subscribe`'s, which also takes internationalised domains)."""

    email: StatedAddress = Field(min_length=6, max_length=254,
                                 json_schema_extra={"pattern": STATED_ADDRESS})
    # JSON's true and false only: pydantic would also read 0, 1 and "yes" as booleans.
    documents: JsonBool = Field(True, description=Subscribe.model_fields["documents"].description)
    sessions: JsonBool = Field(False, description=Subscribe.model_fields["sessions"].description)


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
    cursor: Annotated[str | None, cursor_query(MAX_POSITION)] = None,
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
                             delivery_id: Annotated[str, PathParameter(
                                 min_length=1, max_length=300, description="A mail's "
                                 "delivery id (`id` in the delivery log).")]
                             ) -> DeliveryView:
    """Queue a failed mail again (same Message-ID); 409 if it is not failed."""
    return await gateway.call("notify", "retry_delivery",
                              RetryDelivery(delivery_id=delivery_id), DeliveryView)


@post("/subscriptions", summary="Subscribe to repository news (double opt-in)",
      tags=["subscriptions"], status_code=202, responses=problem_responses(400, 413, 429, 503),
      operation_class=operation(JsonBody(Subscription, SUBSCRIPTION)))
async def subscribe(gateway: NamedDependency[Gateway], data: JSONBody[Subscription]
                    ) -> SubscriptionRequested:
    """Mail a confirmation link to the address; no news is sent until it is followed. The
    answer is the same whether the address was known or not."""
    return await gateway.call("notify", "subscribe", data, SubscriptionRequested)


@post("/subscriptions/confirm", summary="Confirm a subscription", tags=["subscriptions"],
      status_code=200, responses=problem_responses(400, 403, 404, 410, 429, 503),
      operation_class=operation(JsonBody(SubscriptionToken, MAILED_TOKEN)))
async def confirm_subscription(gateway: NamedDependency[Gateway],
                               data: JSONBody[SubscriptionToken]) -> SubscriptionState:
    """Activate the subscription the mailed token names."""
    return await gateway.call("notify", "confirm_subscription", data, SubscriptionState)


@post("/subscriptions/unsubscribe", summary="Unsubscribe (also RFC 8058 one-click)",
      tags=["subscriptions"], status_code=200,
      responses=problem_responses(400, 403, 404, 410, 429, 503))
async def unsubscribe(
    gateway: NamedDependency[Gateway],
    token: Annotated[str, QueryParameter(min_length=10, max_length=500, description=(
        "The token of the mailed `List-Unsubscribe` link."))],
) -> SubscriptionState:
    """End a subscription: the `List-Unsubscribe` link of each mail, which mail clients post
    (RFC 8058, with the body `List-Unsubscribe=One-Click`, which is not read: the token in
    the query is the whole request)."""
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


PUBLIC_HANDLERS: list[ControllerRouterHandler] = [
    subscribe, confirm_subscription, unsubscribe, describe_unsubscribe]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [list_notifications, retry_notification]
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
