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

from services.notify.domain.links import Site
from services.notify.domain.model import Recipient
from services.notify.domain.news import compose_digest
from services.notify.domain.rules import digest_period
from services.notify.settings import NotifySettings
from services.notify.store import ms
from services.notify.subscriptions import SubscriptionService
from shared.db import Document, IndexSpec
from shared.reference import LanguageCode

ITEMS, RUNS = "digest_items", "digest_runs"
INDEXES = [IndexSpec(ITEMS, (("subscription_id", 1), ("digest", 1), ("created_ms", 1)))]


def link(site: Site, item: Document) -> str:
    """The page of a digest item; items kept before links were made at sending carry the
    path they were collected with."""
    if "document_id" not in item:
        return f"{site.base}{item['path']}"
    return site.document(item["document_id"], item.get("language"))


@dataclass
class Digests:
    """Collects news for digest subscribers and mails each period's digest."""

    subscriptions: SubscriptionService
    options: NotifySettings

    async def collect(self, source_id: str, subscriber: Document, title: str,
                      document_id: str, language: LanguageCode | None = None) -> None:
        """Keep one piece of news, a document (in `language`), for the subscriber's next
        digest (once per event). The link is made when the digest is: the site's address
        may change in between."""
        db = self.subscriptions.db
        with contextlib.suppress(DuplicateKeyError):
            await db[ITEMS].insert_one({
                "_id": f"{subscriber['_id']}|{source_id}", "subscription_id": subscriber["_id"],
                "document_id": document_id, "language": language, "title": title,
                "digest": None,
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
            unsubscribe = self.subscriptions.unsubscribe_links(subscriber["_id"])
            content = compose_digest(mailer.strings, subscriber["language"],
                                     [(item["title"], link(mailer.site, item)) for item in items],
                                     unsubscribe.page)
            recipient = Recipient(email=subscriber["email"], name="",
                                  language=subscriber["language"])
            queued += await mailer.queue(f"digest:{name}", "digest", recipient, content,
                                         list_unsubscribe=unsubscribe.one_click,
                                         subscription_id=subscriber["_id"])
            await db[ITEMS].update_many({"_id": {"$in": [i["_id"] for i in items]}},
                                        {"$set": {"digest": name}})
        with contextlib.suppress(DuplicateKeyError):
            await db[RUNS].insert_one({"_id": name, "queued": queued})
        return queued
