"""Daily and weekly digests: news collected per subscriber, mailed once per period.

A digest takes the subscriber's news created before the period's cut-off and not yet in a
digest; the selection is deterministic and the delivery id names the period, so replicas
working on the same period at once queue one mail. A finished period is recorded so it is not
walked again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.notify.domain.model import Recipient
from services.notify.domain.news import compose_digest
from services.notify.domain.rules import digest_period
from services.notify.settings import NotifySettings
from services.notify.store import ms
from services.notify.subscriptions import SubscriptionService
from shared.db import Document, IndexSpec

ITEMS, RUNS = "digest_items", "digest_runs"
INDEXES = [IndexSpec(ITEMS, (("subscription_id", 1), ("digest", 1), ("created_ms", 1)))]


@dataclass
class Digests:
    """Collects news for digest subscribers and mails each period's digest."""

    subscriptions: SubscriptionService
    options: NotifySettings

    async def collect(self, source_id: str, subscriber: Document, title: str, path: str
                      ) -> None:
        """Keep one piece of news for the subscriber's next digest (once per event)."""
        db = self.subscriptions.db
        with contextlib.suppress(DuplicateKeyError):
            await db[ITEMS].insert_one({
                "_id": f"{subscriber['_id']}|{source_id}", "subscription_id": subscriber["_id"],
                "path": path, "title": title, "digest": None,
                "created_ms": ms(self.subscriptions.mailer.clock())})

    async def run(self) -> None:
        """Look for due digests until cancelled."""
        while True:
            try:
                for frequency in ("daily", "weekly"):
                    await self.send_due(frequency)
            except Exception as error:
                logging.getLogger(__name__).warning(
                    "digests paused", extra={"error": type(error).__name__})
            await asyncio.sleep(self.options.digest_poll_seconds)

    async def send_due(self, frequency: str) -> int:
        """Queue the current period's digests not yet sent; returns how many were queued."""
        db, mailer = self.subscriptions.db, self.subscriptions.mailer
        name, cutoff = digest_period(frequency, mailer.clock())
        if await db[RUNS].find_one({"_id": name}) is not None:
            return 0
        queued = 0
        for subscriber in await self.subscriptions.active(frequency):
            items = await db[ITEMS].find(
                {"subscription_id": subscriber["_id"], "digest": None,
                 "created_ms": {"$lt": ms(cutoff)}}).sort("created_ms", ASCENDING).to_list()
            if not items:
                continue
            base = mailer.settings.public_base_url.rstrip("/")
            unsubscribe = self.subscriptions.unsubscribe_url(subscriber["_id"])
            content = compose_digest(
                mailer.strings, subscriber["language"],
                [(item["title"], f"{base}{item['path']}") for item in items],
                unsubscribe)
            recipient = Recipient(email=subscriber["email"], name="",
                                  language=subscriber["language"])
            queued += await mailer.queue(f"digest:{name}", "digest", recipient, content,
                                         unsubscribe_url=unsubscribe,
                                         subscription_id=subscriber["_id"])
            await db[ITEMS].update_many({"_id": {"$in": [i["_id"] for i in items]}},
                                        {"$set": {"digest": name}})
        with contextlib.suppress(DuplicateKeyError):
            await db[RUNS].insert_one({"_id": name, "queued": queued})
        return queued
