"""Subscriptions to repository news: one record per address, its choices, its status.

A record holds the choices in force and, apart (`requested`), the ones last asked for, which
apply once confirmed. The dates the retention purge compares (`requested_ms`,
`unsubscribed_ms`) are epoch milliseconds (see `times`).
"""

from __future__ import annotations

from datetime import datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.notify.domain.subscriptions import Choices, Subscriber
from services.notify.store.times import ms
from shared.db import Document, IndexSpec

SUBSCRIPTIONS = "subscriptions"
INDEXES = [IndexSpec(SUBSCRIPTIONS, (("status", 1), ("frequency", 1)))]


class Subscriptions:
    """Ask, confirm, end and forget subscriptions."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[SUBSCRIPTIONS]

    async def requested(self, key: str, email: str, choices: Choices, now: datetime) -> None:
        """Record a wish to subscribe: a new subscription waits for confirmation, an existing
        one keeps its choices in force until the new ones are confirmed."""
        await self.collection.update_one(
            {"_id": key}, {"$set": {"email": email, "requested": choices,
                                    "requested_ms": ms(now)},
                           "$setOnInsert": {**choices, "status": "pending",
                                            "created_ms": ms(now)}},
            upsert=True)

    async def get(self, key: str) -> Document | None:
        """One subscription."""
        return await self.collection.find_one({"_id": key})

    async def confirmed(self, key: str) -> Document | None:
        """Activate a subscription with the choices last asked for; None if there is none."""
        record = await self.collection.find_one({"_id": key})
        if record is None:
            return None
        updated = await self.collection.find_one_and_update(
            {"_id": key}, {"$set": {**record.get("requested", {}), "status": "active"}},
            return_document=ReturnDocument.AFTER)
        return updated or record

    async def unsubscribed(self, key: str, now: datetime) -> Document | None:
        """End a subscription; the first time dates it (the retention period runs from
        there). None if there is none."""
        record = await self.collection.find_one({"_id": key})
        if record is None:
            return None
        return await self.collection.find_one_and_update(
            {"_id": key, "status": {"$ne": "unsubscribed"}},
            {"$set": {"status": "unsubscribed", "unsubscribed_ms": ms(now)}},
            return_document=ReturnDocument.AFTER) or record

    async def is_active(self, key: str) -> bool:
        """Whether this subscription exists and is confirmed."""
        record = await self.collection.find_one({"_id": key})
        return record is not None and record["status"] == "active"

    async def active(self, frequency: str | None = None) -> list[Subscriber]:
        """Confirmed subscribers (of one frequency, if given)."""
        query: Document = {"status": "active"}
        if frequency is not None:
            query["frequency"] = frequency
        return await self.collection.find(query).to_list()

    async def forget_lapsed(self, now: datetime, asked_before: datetime,
                            unsubscribed_before: datetime) -> int:
        """Delete requests unconfirmed since before `asked_before`, and subscriptions ended
        before `unsubscribed_before` (unless asked for again since); how many.

        Records from before these dates were kept get `now`: a full period from now on."""
        await self.collection.update_many({"requested_ms": {"$exists": False}},
                                          {"$set": {"requested_ms": ms(now)}})
        await self.collection.update_many({"status": "unsubscribed",
                                           "unsubscribed_ms": {"$exists": False}},
                                          {"$set": {"unsubscribed_ms": ms(now)}})
        asked = {"$lt": ms(asked_before)}
        unconfirmed = await self.collection.delete_many({"status": "pending",
                                                         "requested_ms": asked})
        unsubscribed = await self.collection.delete_many(
            {"status": "unsubscribed", "requested_ms": asked,
             "unsubscribed_ms": {"$lt": ms(unsubscribed_before)}})
        return unconfirmed.deleted_count + unsubscribed.deleted_count
