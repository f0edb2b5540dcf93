"""The delivery log: one record per (source, kind, recipient), claimed under a lease to send.

Records keep their due times and leases as epoch milliseconds (`times`) and their rendered
message inline (`raw`): one insert queues a mail. A message larger than `INLINE_LIMIT` (none
of ours is near it) goes to a collection of its own, under the delivery's id, as all did in
records from before; the log's queries and sweeps project `raw` out.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, DuplicateKeyError

from services.notify.domain.delivery import Attempted, Delivery, Hold
from services.notify.domain.model import DeliveryStatus
from services.notify.store.delivery_records import delivery_of, queued_record
from services.notify.store.times import ms
from shared.db import Document, IndexSpec
from shared.outbox import push_to_outbox

log = logging.getLogger(__name__)
DELIVERIES, BODIES = "deliveries", "mail_bodies"
INLINE_LIMIT = 512 * 1024
"""Largest rendered message kept in its delivery record (characters: the message is ASCII);
far below MongoDB's 16 MiB per document, with room for the record's outbox entries."""
ENDED = ("sent", "failed", "suppressed")
"""Statuses after which nobody attempts the mail again (unless a person retries a failed one)."""
INDEXES = [
    # `status` alone: the stand-in uses single-field indexes only (see `unfinished`).
    IndexSpec(DELIVERIES, (("status", 1),)),
    IndexSpec(DELIVERIES, (("status", 1), ("next_attempt_ms", 1))),
    IndexSpec(DELIVERIES, (("order", 1),)),
    IndexSpec(DELIVERIES, (("session_id", 1), ("order", 1))),
    IndexSpec(DELIVERIES, (("status", 1), ("updated_ms", 1))),  # the retention purge
]


class Deliveries:
    """Queue, claim, and record the outcome of mails."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection, self.bodies = db[DELIVERIES], db[BODIES]

    async def queue(self, delivery: Delivery, raw: str,
                    hold: Hold | None = None) -> tuple[bool, str | None]:
        """Insert a queued delivery (claimed for `hold` if given): whether it is new (not for
        a (source, kind, recipient) already queued), and its rendered message if this call
        stored it. One insert, with the message inline, unless it is larger than
        `INLINE_LIMIT` (`_queue_apart`)."""
        if len(raw) > INLINE_LIMIT:
            return await self._queue_apart(delivery, raw, hold)
        try:
            await self.collection.insert_one(queued_record(delivery, raw, hold))
        except DuplicateKeyError:
            return False, None
        return True, raw

    async def _queue_apart(self, delivery: Delivery, raw: str,
                           hold: Hold | None) -> tuple[bool, str | None]:
        """Queue a large message: the message to its own collection, first. A crash between
        the two inserts leaves only a body, which the next attempt to queue the same mail
        reuses (then the sender reads it back rather than take this rendering)."""
        body: str | None = raw
        try:
            await self.bodies.insert_one({"_id": delivery.id, "raw": raw})
        except DuplicateKeyError:
            body = None
        try:
            await self.collection.insert_one(queued_record(delivery, None, hold))
        except DuplicateKeyError:
            return False, None
        return True, body

    async def body(self, delivery: Delivery) -> str | None:
        """The rendered message of a claimed delivery: inline, or kept apart."""
        if delivery.inline_body is not None:
            return delivery.inline_body
        found = await self.bodies.find_one({"_id": delivery.id})
        return None if found is None else str(found["raw"])

    async def claim(self, delivery_id: str, now: datetime, owner: str, attempt_id: str,
                    lease: timedelta, *, with_body: bool = True) -> Delivery | None:
        """Take this mail for this replica if it is due: queued, or its sender vanished.

        A conditional write, exact under concurrency, so two replicas never hold the same
        mail. A `sending` record with an expired lease means a sender died mid-attempt: the
        server may or may not have accepted it, and it is sent again (at least once).

        By `_id`, which the stand-in finds without reading the log (see `delivery.due`); and
        as two writes, one per way of being due, rather than one with `$or`: a mail matches at
        most one of them at a time, and the stand-in serves an `$or` outside its SQL path, at
        three to four times the cost of the whole claim. `with_body` False leaves the inline
        message on the server (the sender already has it).
        """
        take = {"$set": {"status": "sending", "lease_until_ms": ms(now + lease),
                         "owner": owner, "attempt_id": attempt_id, "updated_ms": ms(now)},
                "$inc": {"attempts": 1}}
        for due in ({"status": "queued", "next_attempt_ms": {"$lte": ms(now)}},
                    {"status": "sending", "lease_until_ms": {"$lte": ms(now)}}):
            record = await self.collection.find_one_and_update(
                {"_id": delivery_id, **due}, take, projection=_claimed(with_body),
                return_document=ReturnDocument.AFTER)
            if record is not None:
                return delivery_of(record)
        return None

    async def renew(self, hold: Hold, delivery_id: str, now: datetime, lease: timedelta, *,
                    with_body: bool = True) -> Delivery | None:
        """Extend the hold taken as the mail was queued, if it is still this attempt's (no
        other replica took the mail after the hold ran out): the same attempt goes on."""
        record = await self.collection.find_one_and_update(
            {"_id": delivery_id, "status": "sending", "attempt_id": hold.attempt_id},
            {"$set": {"lease_until_ms": ms(now + lease), "updated_ms": ms(now)}},
            projection=_claimed(with_body), return_document=ReturnDocument.AFTER)
        return None if record is None else delivery_of(record)

    async def unfinished(self, limit: int) -> list[tuple[str, int]]:
        """Queued and sending mails, the longest due first, each with the time (epoch ms) it
        may be claimed: a queued one when due, a sending one when its sender's lease ends.

        One query per status, on equality: the stand-in serves an equality on `status` from
        its single-field index but reads the whole log for `$in` (hundreds of ms at 50,000
        mails, every `sweep_seconds` on every replica)."""
        found: list[tuple[str, int]] = []
        for status, due in (("queued", "next_attempt_ms"), ("sending", "lease_until_ms")):
            records = await self.collection.find({"status": status}, {due: 1}).sort(
                due, ASCENDING).limit(limit).to_list()
            found += [(record["_id"], record.get(due) or 0) for record in records]
        return sorted(found, key=lambda pair: pair[1])[:limit]

    async def record_attempt(self, delivery: Delivery, outcome: Attempted,
                             events: list[Document]) -> bool:
        """Record an attempt's outcome, with its events, if this attempt still holds the mail;
        through a database outage, for a mail sent but left `sending` would go out a second
        time once its lease ran out. Short pauses, so this attempt writes before another
        replica may reclaim it (the lease is tens of seconds)."""
        changes: dict[str, Any] = {"smtp_code": outcome.smtp_code,
                                   "smtp_response": outcome.smtp_response,
                                   "updated_ms": ms(outcome.at), "status": outcome.status}
        if outcome.status == "sent":
            changes["sent_ms"] = ms(outcome.at)
        if outcome.retry_at is not None:
            changes["next_attempt_ms"] = ms(outcome.retry_at)
        pause = 0.1
        while True:
            try:
                return await self._finish(delivery, changes, events)
            except ConnectionFailure as error:
                log.warning("sender waits for its database to record an attempt",
                            extra={"delivery_id": delivery.id, "error": type(error).__name__})
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.5)

    async def suppress(self, delivery: Delivery, now: datetime) -> bool:
        """End a claimed mail unsent: nobody wants it any more."""
        return await self._finish(delivery, {"status": "suppressed", "updated_ms": ms(now)}, [])

    async def _finish(self, delivery: Delivery, changes: dict[str, Any],
                      events: list[Document]) -> bool:
        update = push_to_outbox({"$set": {**changes, "lease_until_ms": None}}, events)
        result = await self.collection.update_one(
            {"_id": delivery.id, "attempt_id": delivery.attempt_id}, update)
        return result.modified_count == 1

    async def retry(self, delivery_id: str, now: datetime) -> Delivery | None:
        """Queue a failed mail again; None if there is none, it is not failed, or its
        address and message were erased (`erase_personal_data`)."""
        record = await self.collection.find_one_and_update(
            {"_id": delivery_id, "status": "failed", "to": {"$ne": ""}},  # not once erased
            {"$set": {"status": "queued", "next_attempt_ms": ms(now), "updated_ms": ms(now),
                      "attempts": 0}},
            return_document=ReturnDocument.AFTER,
        )
        return None if record is None else delivery_of(record)

    async def get(self, delivery_id: str) -> Delivery | None:
        """One delivery."""
        record = await self.collection.find_one({"_id": delivery_id}, _claimed(False))
        return None if record is None else delivery_of(record)

    async def newest(self, limit: int, after: str | None = None, *,
                     status: DeliveryStatus | None = None, kind: str | None = None,
                     session_id: str | None = None) -> list[Delivery]:
        """Deliveries newest first (by `order`), after the `after` key, of this status, kind
        and session if given."""
        query: Document = {}
        for name, value in (("status", status), ("kind", kind), ("session_id", session_id)):
            if value:
                query[name] = value
        if after is not None:
            query["order"] = {"$lt": after}
        found = await self.collection.find(query, {"raw": 0, "outbox": 0}).sort(
            "order", DESCENDING).limit(limit).to_list()
        return [delivery_of(record) for record in found]

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


def _claimed(with_body: bool) -> Document:
    """What a claim reads back of the record: not the outbox, nor the message unless asked."""
    return {"outbox": 0} if with_body else {"outbox": 0, "raw": 0}
