"""NATS subscribers and RPC responders of notify: parse, call a handler, reply.

One durable consumer per stream notify reads (registration, catalog, translate); each event
type it acts on is parsed into its contract and handed to its handler, others are skipped.
Refusals of the handlers become typed error replies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from faststream.nats import NatsRouter

from services.notify.domain.participants import MAIL_KIND, applies_once_by_itself
from services.notify.handlers import (
    catalog_events,
    deliveries,
    invitations,
    registration_events,
    staff,
    subscriptions,
    translate_events,
)
from services.notify.handlers.context import Context
from services.notify.mailing_entrypoints import mailing_routes
from services.notify.views import delivery_view, subscription_state
from shared.bus import RpcRoutes
from shared.consumer import consume_streams
from shared.contracts.catalog.events import DocumentPublished, DocumentTranslated
from shared.contracts.envelope import CloudEvent
from shared.contracts.notify.rpc import (
    DeliveryPage,
    DeliveryView,
    ListDeliveries,
    RetryDelivery,
    SendSignInLink,
    SignInLinkSent,
    Subscribe,
    SubscriptionRequested,
    SubscriptionState,
    SubscriptionToken,
)
from shared.contracts.registration import events as reg
from shared.contracts.registration.desk import InvitationSent
from shared.contracts.translate.events import JobQueued
from shared.service import Runtime

Handler = Callable[[CloudEvent], Awaitable[None]]
PARTICIPANT_EVENTS = {model.subject(): model for model in MAIL_KIND}
"""The participant events notify mails, by type."""
SELF_DEDUPLICATING = frozenset(
    {model.subject() for model, kind in MAIL_KIND.items() if applies_once_by_itself(kind)}
    | {reg.CertificateIssued.subject()})
"""Registration events applied once by their handler's own writes, with no inbox record:
participant mails (`applies_once_by_itself`) and certificates (one mail per code)."""


def registration_routes(ctx: Context) -> dict[str, Handler]:
    """Registration event type -> handler."""
    async def participant(ce: CloudEvent) -> None:
        event = PARTICIPANT_EVENTS[ce.type].from_cloudevent(ce)
        await registration_events.when_participant_changes(ctx, ce.id, ce.time, event)

    async def published(ce: CloudEvent) -> None:
        await registration_events.when_session_is_published(
            ctx, ce.time, reg.SessionPublished.from_cloudevent(ce))

    async def changed(ce: CloudEvent) -> None:
        await registration_events.when_session_is_changed(
            ctx, ce.time, reg.SessionChanged.from_cloudevent(ce))

    async def rescheduled(ce: CloudEvent) -> None:
        await registration_events.when_session_is_rescheduled(
            ctx, ce.id, ce.time, reg.SessionRescheduled.from_cloudevent(ce))

    async def cancelled(ce: CloudEvent) -> None:
        await registration_events.when_session_is_cancelled(
            ctx, ce.id, ce.time, reg.SessionCancelled.from_cloudevent(ce))

    async def certificate(ce: CloudEvent) -> None:
        await registration_events.when_certificate_is_issued(
            ctx, reg.CertificateIssued.from_cloudevent(ce))

    async def invited(ce: CloudEvent) -> None:
        await invitations.when_a_person_is_invited(ctx, InvitationSent.from_cloudevent(ce))

    return {**dict.fromkeys(PARTICIPANT_EVENTS, participant),
            reg.SessionPublished.subject(): published,
            reg.SessionChanged.subject(): changed,
            reg.SessionRescheduled.subject(): rescheduled,
            reg.SessionCancelled.subject(): cancelled,
            reg.CertificateIssued.subject(): certificate,
            InvitationSent.subject(): invited, **mailing_routes(ctx)}


def catalog_routes(ctx: Context) -> dict[str, Handler]:
    """Catalog event type -> handler."""
    async def published(ce: CloudEvent) -> None:
        await catalog_events.when_document_is_published(
            ctx, ce.id, DocumentPublished.from_cloudevent(ce))

    async def translated(ce: CloudEvent) -> None:
        await catalog_events.when_document_is_translated(
            ctx, ce.id, DocumentTranslated.from_cloudevent(ce))

    return {DocumentPublished.subject(): published, DocumentTranslated.subject(): translated}


def translate_routes(ctx: Context) -> dict[str, Handler]:
    """Translate event type -> handler."""
    async def queued(ce: CloudEvent) -> None:
        await translate_events.when_translation_job_is_queued(
            ctx, ce.id, JobQueued.from_cloudevent(ce))

    return {JobQueued.subject(): queued}


def event_router(runtime: Runtime, ctx: Context) -> NatsRouter:
    """The durable consumers of registration, catalog and translate events."""
    return consume_streams(runtime, {"registration": registration_routes(ctx),
                                     "catalog": catalog_routes(ctx),
                                     "translate": translate_routes(ctx)},
                           self_deduplicating=SELF_DEDUPLICATING)


def rpc_router(runtime: Runtime, ctx: Context) -> NatsRouter:
    """`rpc.notify.*`: the delivery log, subscriptions and staff sign-in links."""
    routes = RpcRoutes(runtime.service)

    @routes.responder("list_deliveries", ListDeliveries)
    async def list_deliveries(request: ListDeliveries) -> DeliveryPage:
        page, next_after = await deliveries.list_deliveries(ctx, request)
        return DeliveryPage(items=[delivery_view(d, request.reveal_addresses) for d in page],
                            next_after=next_after)

    @routes.responder("retry_delivery", RetryDelivery)
    async def retry_delivery(request: RetryDelivery) -> DeliveryView:
        return delivery_view(await deliveries.retry_delivery(ctx, request.delivery_id), False)

    @routes.responder("subscribe", Subscribe)
    async def subscribe_(request: Subscribe) -> SubscriptionRequested:
        await subscriptions.subscribe(ctx, request)
        return SubscriptionRequested()

    @routes.responder("confirm_subscription", SubscriptionToken)
    async def confirm(request: SubscriptionToken) -> SubscriptionState:
        return subscription_state(await subscriptions.confirm(ctx, request.token), "confirm")

    @routes.responder("unsubscribe", SubscriptionToken)
    async def unsubscribe(request: SubscriptionToken) -> SubscriptionState:
        return subscription_state(await subscriptions.unsubscribe(ctx, request.token),
                                  "unsubscribe")

    @routes.responder("describe_unsubscribe", SubscriptionToken)
    async def describe(request: SubscriptionToken) -> SubscriptionState:
        record = await subscriptions.describe_unsubscribe(ctx, request.token)
        return subscription_state(record, "unsubscribe")

    @routes.responder("send_sign_in_link", SendSignInLink)
    async def send_sign_in_link(request: SendSignInLink) -> SignInLinkSent:
        return SignInLinkSent(sent=await staff.send_sign_in_link(ctx, request))

    return routes.router
