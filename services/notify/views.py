"""Notify's state as the RPC replies show it: deliveries to the secretariat, subscriptions to
the public (never an address unless an admin asks)."""

from __future__ import annotations

from services.notify.domain.delivery import Delivery
from services.notify.domain.model import mask_email
from services.notify.domain.subscriptions import Subscriber
from shared.contracts.notify.rpc import DeliveryView, SubscriptionState


def delivery_view(delivery: Delivery, reveal: bool) -> DeliveryView:
    """A delivery as the secretariat sees it; the address masked unless revealed."""
    return DeliveryView(
        id=delivery.id, kind=delivery.kind, status=delivery.status,
        recipient=delivery.to if reveal else mask_email(delivery.to),
        language=delivery.language, session_id=delivery.session_id,
        registration_id=delivery.registration_id, source_id=delivery.source_id,
        attempts=delivery.attempts, smtp_code=delivery.smtp_code,
        smtp_response=delivery.smtp_response, message_id=delivery.message_id,
        created_at=delivery.created_at, sent_at=delivery.sent_at)


def subscription_state(record: Subscriber, action: str | None = None) -> SubscriptionState:
    """What the public may see of a subscription: no address."""
    return SubscriptionState(subscription_id=record["_id"], status=record["status"],
                             action=action, language=record["language"],
                             frequency=record["frequency"])
