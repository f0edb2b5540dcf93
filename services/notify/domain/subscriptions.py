"""Subscriptions to repository news, as rules: double opt-in, signed tokens, who hears what.

One subscription per address (its key comes from the address's hash), so subscribing twice
changes the choices rather than adding a second one. Confirmation mails are limited to one per
address and hour (the mail's source names the hour), so the public form cannot flood anyone.
A request nobody confirmed, or a subscription ended by unsubscribing, keeps its address only
for a while (`PENDING_KEPT`, the retention period).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from services.notify.domain.model import recipient_hash
from shared.contracts.notify.rpc import Subscribe

CONFIRM, UNSUBSCRIBE = "subscription.confirm", "subscription.unsubscribe"
"""The token actions: a token signed for one never does the other."""
CONFIRM_TTL = timedelta(days=7)
UNSUBSCRIBE_TTL = timedelta(days=730)
PENDING_KEPT = CONFIRM_TTL + timedelta(days=3)
"""How long an unconfirmed request is kept: past its link's life, so that a late click says
"expired" (410) rather than "no such subscription"."""

Choices = dict[str, Any]
"""What a subscriber asked for: subjects, frequency, language, documents, translation pairs."""
Subscriber = dict[str, Any]
"""A subscription: its id, address, status and choices."""


class Unsubscribe(NamedTuple):
    """Where a news mail's reader can unsubscribe."""

    page: str
    """The site's page, linked in the mail's footer: people open it in a browser."""
    one_click: str
    """The API, in `List-Unsubscribe`: mail clients POST to it (RFC 8058), no page, no CSRF
    cookie; a page there would break one-click unsubscribing."""


def subscription_key(email: str) -> str:
    """The one subscription of an address."""
    return f"sub-{recipient_hash(email)}"


def choices_of(request: Subscribe) -> Choices:
    """The choices a request asks for (they apply once confirmed)."""
    return {"topics": request.topics, "types": request.types, "countries": request.countries,
            "frequency": request.frequency, "language": request.language,
            "documents": request.documents, "sessions": request.sessions,
            "translation_pairs": request.translation_pairs}


def confirmation_source(key: str, now: datetime) -> str:
    """The source of a confirmation mail: one per subscription and hour."""
    return f"subscribe:{key}:{int(now.timestamp() // 3600)}"


def reads_documents(subscriber: Subscriber) -> bool:
    """Whether the subscriber wants news of documents (not only translation jobs)."""
    return bool(subscriber.get("documents", True))


def follows_pair(subscriber: Subscriber, source: str, target: str) -> bool:
    """Whether a translator follows jobs from `source` into `target`."""
    return f"{source}>{target}" in subscriber.get("translation_pairs", [])


def mailed_at_once(subscriber: Subscriber) -> bool:
    """Immediate subscribers get each piece of news as it comes; others in a digest."""
    return bool(subscriber["frequency"] == "immediate")
