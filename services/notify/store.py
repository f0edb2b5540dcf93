"""The delivery log: one record per (source, kind, recipient), claimed under a lease to send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.db import Document, IndexSpec
from shared.outbox import push_to_outbox

DELIVERIES, BODIES = "deliveries", "mail_bodies"
ENDED = ("sent", "failed", "suppressed")
"""Statuses after which nobody attempts the mail again (unless a person retries a failed one)."""


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
    IndexSpec(DELIVERIES, (("status", 1), ("updated_ms", 1))),  # the retention purge
]


class Deliveries:
    """Queue, claim, and record the outcome of mails."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection, self.bodies = db[DELIVERIES], db[BODIES]

    async def queue(self, record: Document) -> tuple[bool, str | None]:
        """Insert a queued delivery: whether it is new (not for a (source, kind, recipient)
        already queued), and its rendered message if this call stored it.

        The rendered message (`raw`) goes to its own collection, first, under the delivery's
        id: the delivery records stay small for the queries and scans over the log. A crash
        between the two inserts leaves only a body, which the next attempt to queue the same
        mail reuses (then the sender reads it back rather than take this rendering).
        """
        record = dict(record)
        raw: str | None = record.pop("raw")
        try:
            await self.bodies.insert_one({"_id": record["_id"], "raw": raw})
        except DuplicateKeyError:
            raw = None
        try:
            await self.collection.insert_one({**record, "outbox": []})
        except DuplicateKeyError:
            return False, None
        return True, raw

    async def body(self, record: Document) -> str | None:
        """The rendered message of a claimed delivery (inline in records from before bodies
        were kept apart)."""
        if "raw" in record:
            return str(record["raw"])
        found = await self.bodies.find_one({"_id": record["_id"]})
        return None if found is None else str(found["raw"])

    async def claim(self, delivery_id: str, now: datetime, owner: str, attempt_id: str,
                    lease: timedelta) -> Document | None:
        """Take this mail for this replica if it is due: queued, or its sender vanished.

        A conditional write, exact under concurrency, so two replicas never hold the same
        mail. A `sending` record with an expired lease means a sender died mid-attempt: the
        server may or may not have accepted it, and it is sent again (at least once).

        By `_id`, which the stand-in finds without reading the log (see `due`); and as two
        writes, one per way of being due, rather than one with `$or`: a mail matches at most
        one of them at a time, and the stand-in serves an `$or` outside its SQL path, at
        three to four times the cost of the whole claim.
        """
        take = {"$set": {"status": "sending", "lease_until_ms": ms(now + lease),
                         "owner": owner, "attempt_id": attempt_id, "updated_ms": ms(now)},
                "$inc": {"attempts": 1}}
        for due in ({"status": "queued", "next_attempt_ms": {"$lte": ms(now)}},
                    {"status": "sending", "lease_until_ms": {"$lte": ms(now)}}):
            record = await self.collection.find_one_and_update(
                {"_id": delivery_id, **due}, take, projection={"outbox": 0},
                return_document=ReturnDocument.AFTER)
            if record is not None:
                return record
        return None

    async def unfinished(self, limit: int) -> list[Document]:
        """Queued and sending mails (id, status, due times), the longest due first."""
        return await self.collection.find(
            {"status": {"$in": ["queued", "sending"]}},
            {"status": 1, "next_attempt_ms": 1, "lease_until_ms": 1},
        ).sort("next_attempt_ms", ASCENDING).limit(limit).to_list()

    async def finish(self, record: Document, changes: dict[str, Any],
                     events: list[Document]) -> bool:
        """Record an attempt's outcome, with its events, if this attempt still holds the mail."""
        update = push_to_outbox({"$set": {**changes, "lease_until_ms": None}}, events)
        result = await self.collection.update_one(
            {"_id": record["_id"], "attempt_id": record["attempt_id"]}, update)
        return result.modified_count == 1

    async def retry(self, delivery_id: str, now: datetime) -> Document | None:
        """Queue a failed mail again; None if there is none, it is not failed, or its
        address and message were erased (`erase_personal_data`)."""
        return await self.collection.find_one_and_update(
            {"_id": delivery_id, "status": "failed", "to": {"$ne": ""}},  # not once erased
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

    async def ended_before(self, cutoff: datetime, limit: int) -> list[str]:
        """Ids of mails whose last attempt ended before `cutoff` and that still hold an
        address."""
        found = await self.collection.find(
            {"status": {"$in": list(ENDED)}, "updated_ms": {"$lt": ms(cutoff)},
             "to": {"$ne": ""}}, {"_id": 1}).limit(limit).to_list()
        return [record["_id"] for record in found]

    async def erase_personal_data(self, ids: list[str], cutoff: datetime) -> None:
        """Delete the rendered messages of these ended mails and blank their address (and
        the SMTP answer, which may quote it). The record stays, with `to_hash` and its `_id`,
        so it still counts and still keeps the same mail from being queued twice.

        Bodies first: a crash in between leaves the address, and the next purge finds the
        mail again. The update repeats the conditions, in case a person retried a failed
        mail meanwhile."""
        await self.bodies.delete_many({"_id": {"$in": ids}})
        await self.collection.update_many(
            {"_id": {"$in": ids}, "status": {"$in": list(ENDED)},
             "updated_ms": {"$lt": ms(cutoff)}},
            {"$set": {"to": "", "smtp_response": None}, "$unset": {"raw": ""}})
