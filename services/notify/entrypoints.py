"""NATS subscribers and RPC responders of notify: parse, call a handler, reply."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from faststream.nats import NatsRouter

from services.notify.domain.model import mask_email
from services.notify.store import Deliveries, from_ms, ms
from services.notify.subscriptions import SubscriptionService
from shared.bus import RpcRoutes, ServiceError, service_stream
from shared.consumer import subscribe
from shared.contracts.envelope import CloudEvent
from shared.contracts.notify import (
    DeliveryPage,
    DeliveryView,
    ListDeliveries,
    RetryDelivery,
    Subscribe,
    SubscriptionRequested,
    SubscriptionState,
    SubscriptionToken,
)
from shared.db import Document
from shared.service import Runtime

log = logging.getLogger(__name__)
Handler = Callable[[CloudEvent], Awaitable[None]]


def dispatcher(routes: dict[str, Handler]) -> Handler:
    """One consumer per stream; each event type goes to its handler, others are skipped."""

    async def dispatch(ce: CloudEvent) -> None:
        handler = routes.get(ce.type)
        if handler is not None:
            await handler(ce)

    return dispatch


def event_routers(runtime: Runtime, registration: dict[str, Handler],
                  catalog: dict[str, Handler], translate: dict[str, Handler]) -> NatsRouter:
    """The durable consumers of registration, catalog and translate events."""
    router = NatsRouter()
    subscribe(router, runtime, subject="registration.>",
              stream=service_stream("registration").name, durable="notify-registration",
              handler=dispatcher(registration))
    subscribe(router, runtime, subject="catalog.>", stream=service_stream("catalog").name,
              durable="notify-catalog", handler=dispatcher(catalog))
    subscribe(router, runtime, subject="translate.>", stream=service_stream("translate").name,
              durable="notify-translate", handler=dispatcher(translate))
    return router


def subscription_router(runtime: Runtime, service: SubscriptionService) -> NatsRouter:
    """`rpc.notify.subscribe`, `.confirm_subscription`, `.unsubscribe`, `.describe_unsubscribe`."""
    routes = RpcRoutes(runtime.service)

    @routes.responder("subscribe", Subscribe)
    async def subscribe_(request: Subscribe) -> SubscriptionRequested:
        await service.subscribe(request)
        return SubscriptionRequested()

    @routes.responder("confirm_subscription", SubscriptionToken)
    async def confirm(request: SubscriptionToken) -> SubscriptionState:
        return await service.confirm(request.token)

    @routes.responder("unsubscribe", SubscriptionToken)
    async def unsubscribe(request: SubscriptionToken) -> SubscriptionState:
        return await service.unsubscribe(request.token)

    @routes.responder("describe_unsubscribe", SubscriptionToken)
    async def describe(request: SubscriptionToken) -> SubscriptionState:
        return await service.unsubscribe(request.token, dry_run=True)

    return routes.router


def view(record: Document, reveal: bool) -> DeliveryView:
    """A delivery as the secretariat sees it; the address masked unless revealed."""
    return DeliveryView(
        id=record["_id"], kind=record["kind"], status=record["status"],
        recipient=record["to"] if reveal else mask_email(record["to"]),
        language=record["language"], session_id=record.get("session_id"),
        registration_id=record.get("registration_id"), source_id=record["source_id"],
        attempts=record["attempts"], smtp_code=record.get("smtp_code"),
        smtp_response=record.get("smtp_response"), message_id=record["message_id"],
        created_at=record["created_at"], sent_at=from_ms(record.get("sent_ms")))


def rpc_router(runtime: Runtime, deliveries: Deliveries, clock: Callable[[], datetime],
               on_retry: Callable[[str, int], None]) -> NatsRouter:
    """`rpc.notify.list_deliveries`, `rpc.notify.retry_delivery`."""
    routes = RpcRoutes(runtime.service)

    @routes.responder("list_deliveries", ListDeliveries)
    async def list_deliveries(request: ListDeliveries) -> DeliveryPage:
        filters: Document = {}
        if request.status:
            filters["status"] = request.status
        if request.kind:
            filters["kind"] = request.kind
        if request.session_id:
            filters["session_id"] = request.session_id
        records = await deliveries.page(filters, request.limit + 1, request.after)
        more = len(records) > request.limit
        records = records[: request.limit]
        return DeliveryPage(items=[view(r, request.reveal_addresses) for r in records],
                            next_after=records[-1]["order"] if more else None)

    @routes.responder("retry_delivery", RetryDelivery)
    async def retry_delivery(request: RetryDelivery) -> DeliveryView:
        now = clock()
        record = await deliveries.retry(request.delivery_id, now)
        if record is None:
            if await deliveries.get(request.delivery_id) is None:
                raise ServiceError("not_found", "there is no such delivery")
            raise ServiceError("conflict", "only a failed delivery can be retried")
        on_retry(request.delivery_id, ms(now))  # this replica's sender: due now
        log.info("delivery queued again", extra={"delivery_id": request.delivery_id})
        return view(record, False)

    return routes.router
