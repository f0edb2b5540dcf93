"""The delivery log: one record per (source, kind, recipient), claimed under a lease to send."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.db import Document, IndexSpec
from shared.outbox import push_to_outbox

DELIVERIES, BODIES = "deliveries", "mail_bodies"


def ms(moment: datetime) -> int:
    """Epoch milliseconds. Times that queries compare are stored as numbers: the stand-in
    turns a datetime written by `$set` into a string (then no date query matches it), and
    compares datetimes only to the whole second."""
    return int(moment.timestamp() * 1000)


def from_ms(value: int | None) -> datetime | None:
    """The datetime of epoch milliseconds."""
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


INDEXES = [
    IndexSpec(DELIVERIES, (("status", 1), ("next_attempt_ms", 1))),
    IndexSpec(DELIVERIES, (("order", 1),)),
    IndexSpec(DELIVERIES, (("session_id", 1), ("order", 1))),
]


class Deliveries:
    """Queue, claim, and record the outcome of mails."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection, self.bodies = db[DELIVERIES], db[BODIES]

    async def queue(self, record: Document) -> bool:
        """Insert a queued delivery; False if this (source, kind, recipient) already exists.

        The rendered message (`raw`) goes to its own collection, first, under the delivery's
        id: the records the sender claims and updates stay small (the stand-in reads every
        whole document of the log for each claim). A crash between the two inserts leaves only
        a body, which the next attempt to queue the same mail reuses.
        """
        record = dict(record)
        raw = record.pop("raw")
        with contextlib.suppress(DuplicateKeyError):
            await self.bodies.insert_one({"_id": record["_id"], "raw": raw})
        try:
            await self.collection.insert_one({**record, "outbox": []})
        except DuplicateKeyError:
            return False
        return True

    async def body(self, record: Document) -> str | None:
        """The rendered message of a claimed delivery (inline in records from before bodies
        were kept apart)."""
        if "raw" in record:
            return str(record["raw"])
        found = await self.bodies.find_one({"_id": record["_id"]})
        return None if found is None else str(found["raw"])

    async def claim(self, now: datetime, owner: str, attempt_id: str, lease: timedelta
                    ) -> Document | None:
        """Take one due mail for this replica: a queued one, or one whose sender vanished.

        One conditional write, exact under concurrency, so two replicas never hold the same
        mail. A `sending` record with an expired lease means a sender died mid-attempt: the
        server may or may not have accepted it, and it is sent again (at least once).
        """
        return await self.collection.find_one_and_update(
            {"$or": [{"status": "queued", "next_attempt_ms": {"$lte": ms(now)}},
                     {"status": "sending", "lease_until_ms": {"$lte": ms(now)}}]},
            {"$set": {"status": "sending", "lease_until_ms": ms(now + lease), "owner": owner,
                      "attempt_id": attempt_id, "updated_ms": ms(now)},
             "$inc": {"attempts": 1}},
            sort=[("next_attempt_ms", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    async def finish(self, record: Document, changes: dict[str, Any],
                     events: list[Document]) -> bool:
        """Record an attempt's outcome, with its events, if this attempt still holds the mail."""
        update = push_to_outbox({"$set": {**changes, "lease_until_ms": None}}, events)
        result = await self.collection.update_one(
            {"_id": record["_id"], "attempt_id": record["attempt_id"]}, update)
        return result.modified_count == 1

    async def retry(self, delivery_id: str, now: datetime) -> Document | None:
        """Queue a failed mail again; None if there is none or it is not failed."""
        return await self.collection.find_one_and_update(
            {"_id": delivery_id, "status": "failed"},
            {"$set": {"status": "queued", "next_attempt_ms": ms(now), "updated_ms": ms(now),
                      "attempts": 0}},
            return_document=ReturnDocument.AFTER,
        )

    async def get(self, delivery_id: str) -> Document | None:
        """One delivery record."""
        return await self.collection.find_one({"_id": delivery_id})

    async def page(self, filters: Document, limit: int, after: str | None) -> list[Document]:
        """Records newest first by their time-ordered `order` key."""
        query = dict(filters)
        if after is not None:
            query["order"] = {"$lt": after}
        return await self.collection.find(query, {"raw": 0, "outbox": 0}).sort(
            "order", DESCENDING).limit(limit).to_list()
