"""Idempotent consumption: a consumer records each event id it has applied.

The record's `_id` is `<consumer>|<event id>` and (consumer, event_id) has a unique index, so
a redelivered or duplicated event is recognised and acknowledged without being applied twice.
"""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.db import Document, IndexSpec

COLLECTION = "applied_events"


class Inbox:
    """The event ids one service's consumers have applied."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[COLLECTION]

    @staticmethod
    def indexes() -> list[IndexSpec]:
        """The unique index that makes a second record of the same event impossible."""
        return [IndexSpec(COLLECTION, (("consumer", 1), ("event_id", 1)), unique=True)]

    async def applied(self, consumer: str, event_id: str) -> bool:
        """Whether `consumer` has already applied `event_id`."""
        return await self.collection.find_one({"_id": f"{consumer}|{event_id}"}) is not None

    async def record(self, consumer: str, event_id: str, now: datetime) -> bool:
        """Record `event_id` as applied; False if it already was."""
        try:
            await self.collection.insert_one(
                {"_id": f"{consumer}|{event_id}", "consumer": consumer, "event_id": event_id,
                 "applied_at": now}
            )
        except DuplicateKeyError:
            return False
        return True
