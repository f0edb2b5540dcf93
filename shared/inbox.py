"""Idempotent consumption: a consumer records each event id it has applied.

The record's `_id` is `<consumer>|<event id>` and (consumer, event_id) has a unique index, so
a redelivered or duplicated event is recognised and acknowledged without being applied twice.
(An event type whose handler recognises copies by its own writes keeps no record here:
`self_deduplicating` in `shared.consumer`.)

Records expire `RETENTION` after they were written (a TTL index on the `applied_at` date), so
the collection does not grow for ever. The retention must outlast every way the same event id
can come back to a consumer that applied it:
- JetStream drops a repeated publish only within its duplicate window
  (`EVENT_DUPLICATE_WINDOW`, two minutes); after it, the inbox is the only guard;
- a redelivery (a lost ack, a crash before the ack) comes within `max_deliver` x (ack wait +
  longest back-off), minutes;
- a durable consumer that is recreated reads its stream again from the oldest message, kept
  for the stream's max age (30 days);
- `dialogues dlq replay` publishes a dead letter again on its original subject, where every
  consumer of that subject sees it, up to the DLQ's max age (90 days) after it failed.
The last is the longest, so records live as long as the DLQ keeps messages, plus a week. A
repeat after that (an outbox event republished after a service was down for months) would be
applied again; we accept that.

The date is a BSON date, never a number: MongoDB's TTL ignores numbers and the embedded
stand-in reads them as epoch seconds. MongoDB refuses to change `expireAfterSeconds` through
`createIndex` (IndexOptionsConflict at start-up): to change `RETENTION` later, run `collMod`
on each service's `applied_events` first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.db import Document, IndexSpec
from shared.streams import DLQ_STREAM

COLLECTION = "applied_events"
RETENTION = timedelta(days=DLQ_STREAM.max_age_days + 7)
"""How long an applied event id is remembered (see the module's docstring)."""


class AppliedEvents(Protocol):
    """What a consumer asks of the record of applied events (`Inbox` in MongoDB; the fast
    test tier keeps one in memory)."""

    async def applied(self, consumer: str, event_id: str) -> bool:
        """Whether `consumer` has already applied `event_id`."""
        ...

    async def record(self, consumer: str, event_id: str, now: datetime) -> bool:
        """Record `event_id` as applied at `now`; False if it already was."""
        ...


class Inbox:
    """The event ids one service's consumers have applied, in the service's database."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[COLLECTION]

    @staticmethod
    def indexes() -> list[IndexSpec]:
        """The unique index that makes a second record of the same event impossible, and the
        TTL index that forgets records after `RETENTION`."""
        return [
            IndexSpec(COLLECTION, (("consumer", 1), ("event_id", 1)), unique=True),
            IndexSpec(COLLECTION, (("applied_at", 1),),
                      options={"expireAfterSeconds": int(RETENTION.total_seconds())}),
        ]

    async def applied(self, consumer: str, event_id: str) -> bool:
        """Whether `consumer` has already applied `event_id`."""
        return await self.collection.find_one({"_id": f"{consumer}|{event_id}"}) is not None

    async def record(self, consumer: str, event_id: str, now: datetime) -> bool:
        """Record `event_id` as applied at `now` (a date); False if it already was."""
        try:
            await self.collection.insert_one(
                {"_id": f"{consumer}|{event_id}", "consumer": consumer, "event_id": event_id,
                 "applied_at": now}
            )
        except DuplicateKeyError:
            return False
        return True
