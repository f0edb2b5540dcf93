"""A form sent twice (double click, reload, back and send again) acts once.

The API answers a retried POST by its `Idempotency-Key` header; a browser form cannot send
headers, so the form carries the key as a hidden field, made when the form is rendered. The
record shares the API's collection (and its 24-hour expiry), under ids of its own. Only a
successful answer is kept. A pending record has a lease, so a gateway that died mid-request
does not block the retry for a day: after `LEASE`, the next attempt takes it over (the
service itself answers a repeated registration without registering twice).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.gateway.idempotency import COLLECTION, KEEP_FOR
from shared.contracts.rpc import RpcFailure
from shared.db import Document

Reply = TypeVar("Reply", bound=BaseModel)
LEASE = timedelta(seconds=30)
POLL = 0.1


async def once(db: AsyncDatabase[Document], key: str, fingerprint: str,
               work: Callable[[], Awaitable[Reply]], reply_model: type[Reply],
               wait: float) -> Reply:
    """`work()`'s answer, computed once per `key` (a form already sent gets its first answer).

    `wait` bounds how long a second submit waits for the first one to finish.
    """
    collection = db[COLLECTION]
    record_id = "site:" + hashlib.sha256(key.encode()).hexdigest()
    now = datetime.now(UTC)
    pending = {"fingerprint": fingerprint, "state": "pending", "lease_ms": _ms(now + LEASE),
               "expires_at": now + KEEP_FOR}
    try:
        await collection.insert_one({"_id": record_id, **pending})
    except DuplicateKeyError:
        found = await _first_answer(collection, record_id, fingerprint, pending, wait)
        if found is not None:
            return reply_model.model_validate(found)
    try:
        reply = await work()
    except BaseException:
        await collection.delete_one({"_id": record_id, "state": "pending"})
        raise
    await collection.update_one({"_id": record_id}, {"$set": {
        "state": "done", "reply": reply.model_dump(mode="json")}})
    return reply


async def _first_answer(collection: AsyncCollection[Document], record_id: str,
                        fingerprint: str, pending: Document, wait: float) -> Document | None:
    """The stored answer; None when this attempt now holds the record and must act itself
    (the first attempt failed, or its lease ran out)."""
    deadline = asyncio.get_running_loop().time() + wait
    while True:
        record = await collection.find_one({"_id": record_id})
        if record is None:  # the first attempt failed and let go: try to be the one
            try:
                await collection.insert_one({"_id": record_id, **pending})
                return None
            except DuplicateKeyError:
                continue
        if record["fingerprint"] != fingerprint:
            raise RpcFailure("conflict", "This form was already sent with other answers.")
        if record["state"] == "done":
            return dict(record["reply"])
        now = datetime.now(UTC)
        if record["lease_ms"] < _ms(now):
            # Compare-and-set on the lease as an integer: the MongoDB stand-in compares
            # datetimes in queries only to the second.
            taken = await collection.update_one(
                {"_id": record_id, "state": "pending", "lease_ms": record["lease_ms"]},
                {"$set": {**pending, "lease_ms": _ms(now + LEASE)}})
            if taken.modified_count:
                return None
        if asyncio.get_running_loop().time() > deadline:
            raise RpcFailure("unavailable", "The first submission is still being processed.")
        await asyncio.sleep(POLL)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
