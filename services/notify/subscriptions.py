"""Subscriptions to repository news: double opt-in, confirm and unsubscribe by signed token.

One record per address (`_id` from the address's hash), so subscribing twice changes the
choices rather than adding a second subscription. Confirmation mails are limited to one per
address and hour (the delivery id carries the hour), so the public form cannot flood anyone.
A subscription nobody confirmed, or one ended by unsubscribing, keeps its address only for a
while: the retention purge deletes it (`forget_lapsed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.notify.domain.model import Recipient, recipient_hash
from services.notify.domain.news import compose_subscription_confirm
from services.notify.mailer import Mailer
from services.notify.store import ms
from shared.bus import ServiceError
from shared.contracts.notify import Subscribe, SubscriptionState
from shared.db import Document, IndexSpec
from shared.tokens import Signer, TokenError

SUBSCRIPTIONS = "subscriptions"
INDEXES = [IndexSpec(SUBSCRIPTIONS, (("status", 1), ("frequency", 1)))]
CONFIRM, UNSUBSCRIBE = "subscription.confirm", "subscription.unsubscribe"
CONFIRM_TTL = timedelta(days=7)
PENDING_KEPT = CONFIRM_TTL + timedelta(days=3)
"""How long an unconfirmed request is kept: past its link's life, so that a late click says
"expired" (410) rather than "no such subscription"."""


class Unsubscribe(NamedTuple):
    """Where a news mail's reader can unsubscribe."""

    page: str
    """The site's page, linked in the mail's footer: people open it in a browser."""
    one_click: str
    """The API, in `List-Unsubscribe`: mail clients POST to it (RFC 8058), no page, no CSRF
    cookie; a page there would break one-click unsubscribing."""


def state(record: Document, action: str | None = None) -> SubscriptionState:
    """What the public may see of a subscription: no address."""
    return SubscriptionState(subscription_id=record["_id"], status=record["status"],
                             action=action,
                             language=record["language"], frequency=record["frequency"])


@dataclass
class SubscriptionService:
    """Subscribe, confirm, unsubscribe; issues and checks the tokens."""

    db: AsyncDatabase[Document]
    mailer: Mailer
    signer: Signer

    def unsubscribe_links(self, subscription_id: str) -> Unsubscribe:
        """The two ways out of a subscriber's news mail, with one token."""
        token = self.signer.issue(subscription_id, UNSUBSCRIBE, now=self.mailer.clock(),
                                  ttl=timedelta(days=730))
        site = self.mailer.site
        return Unsubscribe(page=site.unsubscribe(token),
                           one_click=site.one_click_unsubscribe(token))

    async def subscribe(self, request: Subscribe) -> None:
        """Record the wish and send the confirmation mail (at most one an hour)."""
        now = self.mailer.clock()
        key = f"sub-{recipient_hash(request.email)}"
        wish = {"topics": request.topics, "types": request.types,
                "countries": request.countries, "frequency": request.frequency,
                "language": request.language, "documents": request.documents,
                "translation_pairs": request.translation_pairs}
        await self.db[SUBSCRIPTIONS].update_one(
            {"_id": key}, {"$set": {"email": request.email, "requested": wish,
                                    "requested_ms": ms(now)},
                           "$setOnInsert": {**wish, "status": "pending", "created_ms": ms(now)}},
            upsert=True)
        token = self.signer.issue(key, CONFIRM, now=now, ttl=CONFIRM_TTL)
        content = compose_subscription_confirm(
            self.mailer.strings, request.language, self.mailer.site.subscription_confirm(token))
        hour = int(now.timestamp() // 3600)
        await self.mailer.queue(f"subscribe:{key}:{hour}", "subscription_confirm",
                                Recipient(email=request.email, name="",
                                          language=request.language), content)

    def _subject(self, token: str, action: str) -> str:
        try:
            return self.signer.verify(token, action, now=self.mailer.clock())
        except TokenError as error:
            raise ServiceError("gone" if error.expired else "forbidden", str(error)) from None

    async def confirm(self, token: str) -> SubscriptionState:
        """Activate the subscription with the choices last asked for."""
        key = self._subject(token, CONFIRM)
        record = await self.db[SUBSCRIPTIONS].find_one({"_id": key})
        if record is None:
            raise ServiceError("not_found", "there is no such subscription")
        updated = await self.db[SUBSCRIPTIONS].find_one_and_update(
            {"_id": key}, {"$set": {**record.get("requested", {}), "status": "active"}},
            return_document=ReturnDocument.AFTER)
        return state(updated or record, "confirm")

    async def unsubscribe(self, token: str, *, dry_run: bool = False) -> SubscriptionState:
        """End the subscription (or, with `dry_run`, only say what would happen)."""
        key = self._subject(token, UNSUBSCRIBE)
        collection = self.db[SUBSCRIPTIONS]
        record = await collection.find_one({"_id": key})
        if record is None:
            raise ServiceError("not_found", "there is no such subscription")
        if not dry_run:  # the first click dates it; the retention period runs from there
            record = await collection.find_one_and_update(
                {"_id": key, "status": {"$ne": "unsubscribed"}},
                {"$set": {"status": "unsubscribed", "unsubscribed_ms": ms(self.mailer.clock())}},
                return_document=ReturnDocument.AFTER) or record
        return state(record, "unsubscribe")

    async def still_wanted(self, delivery: Document) -> bool:
        """Whether a queued news mail may still go out (transactional mail always may)."""
        if delivery.get("subscription_id") is None:
            return True
        record = await self.db[SUBSCRIPTIONS].find_one({"_id": delivery["subscription_id"]})
        return record is not None and record["status"] == "active"

    async def active(self, frequency: str | None = None) -> list[Document]:
        """Confirmed subscribers (of one frequency, if given)."""
        query: Document = {"status": "active"}
        if frequency is not None:
            query["frequency"] = frequency
        return await self.db[SUBSCRIPTIONS].find(query).to_list()

    async def forget_lapsed(self, now: datetime, retention: timedelta) -> int:
        """Delete the subscriptions whose address is kept for nothing: requests unconfirmed
        PENDING_KEPT after the last ask, and unsubscribed ones `retention` after unsubscribing
        (unless asked for again since). How many were deleted."""
        collection = self.db[SUBSCRIPTIONS]
        # Records from before these dates were kept get today's: a full period from now on.
        await collection.update_many({"requested_ms": {"$exists": False}},
                                     {"$set": {"requested_ms": ms(now)}})
        await collection.update_many({"status": "unsubscribed",
                                      "unsubscribed_ms": {"$exists": False}},
                                     {"$set": {"unsubscribed_ms": ms(now)}})
        asked_before = {"$lt": ms(now - PENDING_KEPT)}
        unconfirmed = await collection.delete_many(
            {"status": "pending", "requested_ms": asked_before})
        unsubscribed = await collection.delete_many(
            {"status": "unsubscribed", "requested_ms": asked_before,
             "unsubscribed_ms": {"$lt": ms(now - retention)}})
        return unconfirmed.deleted_count + unsubscribed.deleted_count
