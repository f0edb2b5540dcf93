"""What news needs kept: the titles of documents seen, items waiting for a digest, and the
digest periods already done.

An item is kept once per (subscriber, event); the time it was kept (`created_ms`, epoch
milliseconds, see `times`) decides which period's digest takes it.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notify.domain.news import DigestItem
from services.notify.store.times import ms
from shared.db import Document, IndexSpec
from shared.reference import LanguageCode

DOCUMENTS, ITEMS, RUNS = "documents", "digest_items", "digest_runs"
INDEXES = [IndexSpec(ITEMS, (("subscription_id", 1), ("digest", 1), ("created_ms", 1)))]


class News:
    """Document titles, digest items and digest periods."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.documents, self.items, self.runs = db[DOCUMENTS], db[ITEMS], db[RUNS]

    async def keep_titles(self, document_id: str, titles: dict[LanguageCode, str],
                          source_language: LanguageCode) -> None:
        """Remember a published document's titles, for the news of its translations."""
        await self.documents.update_one(
            {"_id": document_id},
            {"$set": {"titles": titles, "source_language": source_language}}, upsert=True)

    async def titles(self, document_id: str) -> dict[LanguageCode, str]:
        """The titles of a document seen published (none if it was not)."""
        known = await self.documents.find_one({"_id": document_id})
        return known.get("titles", {}) if known else {}

    async def collect(self, subscription_id: str, source_id: str, title: str,
                      document_id: str, language: LanguageCode | None, now: datetime) -> None:
        """Keep one piece of news for a subscriber's next digest (once per event)."""
        with contextlib.suppress(DuplicateKeyError):
            await self.items.insert_one({
                "_id": f"{subscription_id}|{source_id}", "subscription_id": subscription_id,
                "document_id": document_id, "language": language, "title": title,
                "digest": None, "created_ms": ms(now)})

    async def waiting(self, subscription_id: str, before: datetime) -> list[DigestItem]:
        """A subscriber's items kept before `before` and in no digest yet, oldest first."""
        found = await self.items.find(
            {"subscription_id": subscription_id, "digest": None,
             "created_ms": {"$lt": ms(before)}}).sort("created_ms", ASCENDING).to_list()
        return [DigestItem(id=item["_id"], title=item["title"],
                           document_id=item.get("document_id"), language=item.get("language"),
                           path=item.get("path")) for item in found]

    async def put_in_digest(self, items: list[DigestItem], digest: str) -> None:
        """These items went out in this digest."""
        await self.items.update_many({"_id": {"$in": [item.id for item in items]}},
                                     {"$set": {"digest": digest}})

    async def period_done(self, digest: str) -> bool:
        """Whether this period's digests were all queued already."""
        return await self.runs.find_one({"_id": digest}) is not None

    async def record_period(self, digest: str, queued: int) -> None:
        """This period's digests are all queued."""
        with contextlib.suppress(DuplicateKeyError):
            await self.runs.insert_one({"_id": digest, "queued": queued})
