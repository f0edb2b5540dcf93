"""The rate limit on public routes: N requests per client address per minute, all replicas
together.

Litestar's RateLimitMiddleware sends no `Retry-After` and counts in process memory, so with
several gateway replicas each would allow N. Here the count lives in the gateway's MongoDB:
one document per client and window, so every replica adds to the same count. Windows are
aligned on the wall clock (the same for every replica), a 429 says exactly when the window
opens again, and a TTL index removes ended windows. Documents are named by a hash of address
and window, never by the address itself.

Exact, and not one command per request: requests that arrive while the previous write is under
way wait for the next one, which counts them all (`Batches`): for one client, one atomic
upsert whose answer is the count; for several, one bulk write and one read. Each write also
appends its batch's id and size to the document's `log`, in the order MongoDB applied them, so
a replica reads where its requests fell among every replica's (`place_in_log`): the first N of
the window are let through, however the replicas' writes interleave. A client this process
has seen over the limit is refused until the window ends without a write at all, which also
keeps the log short (at most about N entries). Under a crowd of distinct clients that is one or
two commands per round of writes instead of one per request.

The client address is the peer's: uvicorn replaces it with the forwarded one only for
requests from `TRUSTED_PROXIES` (services.gateway.__main__), so nobody else can choose it.
Should the database be away, each process counts alone meanwhile (`FixedWindow`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler
from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from services.gateway.auth import Guard, authenticate, presented_key
from services.gateway.context import gateway_of
from services.gateway.problems import problem
from shared.db import Document, IndexSpec

log = logging.getLogger(__name__)
COLLECTION = "rate_limits"
INDEXES = [IndexSpec(COLLECTION, (("expires_at", 1),), options={"expireAfterSeconds": 0})]
DUPLICATE_KEY = 11000


@dataclass
class FixedWindow:
    """Counts requests per client in windows of `window` seconds, in this process."""

    limit: int
    window: float = 60.0
    _start: float = field(default=-math.inf, init=False)
    _counts: dict[str, int] = field(default_factory=dict, init=False)

    @property
    def clients(self) -> int:
        """How many clients the current window counts (the table's size)."""
        return len(self._counts)

    def hit(self, client: str, now: float) -> float | None:
        """Count one request at `now`: None if allowed, else seconds until it would be."""
        start = now - now % self.window
        if start != self._start:
            self._start, self._counts = start, {}
        count = self._counts.get(client, 0) + 1
        self._counts[client] = count
        return over_the_limit(count, self.limit, start + self.window - now)


def over_the_limit(count: int, limit: int, left: float) -> float | None:
    """The wait for the `count`th request of a window with `left` seconds to run."""
    return left if count > limit else None


@dataclass
class Asked:
    """The requests of one client waiting for the next write."""

    expires_at: datetime
    waiting: list[asyncio.Future[int | None]] = field(default_factory=list)


Places = dict[str, int | None]
"""Per counter, the place of a batch's first request among the window's (None: not counted)."""


@dataclass
class Batches:
    """Counts requests in rounds: one write at a time; requests arriving meanwhile wait for the
    next, which counts them all. Each request learns its place in its client's window."""

    _next: dict[str, Asked] = field(default_factory=dict, init=False)
    _writing: asyncio.Task[None] | None = field(default=None, init=False)

    async def count(self, db: AsyncDatabase[Document], counter: str,
                    expires_at: datetime) -> int | None:
        """Count one request; its place in the window (1 for the first), or None if the
        database did not answer."""
        waiting: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._next.setdefault(counter, Asked(expires_at)).waiting.append(waiting)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_rounds(db))
        return await waiting

    async def _write_rounds(self, db: AsyncDatabase[Document]) -> None:
        while self._next:
            batch, self._next = self._next, {}
            places: Places = {}
            try:
                places = await write_batch(db, batch)
            except PyMongoError as error:
                log.warning("rate limit counted in this process only",
                            extra={"error": type(error).__name__})
            except Exception:  # never leave the waiting requests hanging
                log.exception("rate limit write failed; counted in this process only")
            for counter, asked in batch.items():
                first = places.get(counter)
                for offset, waiting in enumerate(asked.waiting):
                    if not waiting.done():  # its request may have been cancelled
                        waiting.set_result(None if first is None else first + offset)


async def write_batch(db: AsyncDatabase[Document], batch: dict[str, Asked]) -> Places:
    """Add each client's requests to its count in one write (one client) or one bulk write
    and one read (several); where each batch's first request falls."""
    batch_id = uuid.uuid4().hex
    updates = {counter: {"$inc": {"count": len(asked.waiting)},
                         "$push": {"log": log_entry(batch_id, len(asked.waiting))},
                         "$setOnInsert": {"expires_at": asked.expires_at}}
               for counter, asked in batch.items()}
    if len(updates) == 1:
        [(counter, update)] = updates.items()
        return {counter: await _count_one(db, counter, update, batch_id)}
    counted = await _bulk_upsert(db, updates)
    found = db[COLLECTION].find({"_id": {"$in": counted}}, {"log": 1},
                                batch_size=max(len(counted), 1))  # one reply, no getMore
    return {document["_id"]: place_in_log(document.get("log", []), batch_id)
            async for document in found}


async def _count_one(db: AsyncDatabase[Document], counter: str, update: Document,
                     batch_id: str) -> int | None:
    for _ in range(2):  # two first requests may race to create the document
        try:
            counted = await db[COLLECTION].find_one_and_update(
                {"_id": counter}, update, projection={"log": 1}, upsert=True,
                return_document=ReturnDocument.AFTER)
        except DuplicateKeyError:
            continue
        return place_in_log(counted.get("log", []) if counted else [], batch_id)
    return None


async def _bulk_upsert(db: AsyncDatabase[Document], updates: dict[str, Document]) -> list[str]:
    """Upsert every counter, once more those whose creation raced another's; the counted."""
    pending = list(updates)
    for _ in range(2):
        try:
            await db[COLLECTION].bulk_write(
                [UpdateOne({"_id": c}, updates[c], upsert=True) for c in pending], ordered=False)
            pending = []
            break
        except BulkWriteError as error:
            raced = {e["index"] for e in error.details.get("writeErrors", [])
                     if e.get("code") == DUPLICATE_KEY}
            failed = {e["index"] for e in error.details.get("writeErrors", [])} - raced
            if failed:
                raise
            pending = [pending[i] for i in sorted(raced)]
    return [c for c in updates if c not in pending]


def log_entry(batch_id: str, requests: int) -> str:
    """One write's entry in a counter's `log`: a string, `"<batch id> <requests>"`, because the
    stand-in stores a subdocument pushed onto an existing array as a JSON string."""
    return f"{batch_id} {requests}"


def place_in_log(entries: Sequence[str], batch_id: str) -> int | None:
    """The place of batch `batch_id`'s first request: 1 + the requests counted before it."""
    before = 0
    for entry in entries:
        written_by, requests = entry.split(" ")
        if written_by == batch_id:
            return before + 1
        before += int(requests)
    return None


@dataclass
class SharedWindow:
    """Counts requests per client and window in MongoDB, shared by every gateway replica."""

    limit: int
    window: float = 60.0
    alone: FixedWindow = field(init=False)
    batches: Batches = field(default_factory=Batches)
    _over: set[str] = field(default_factory=set, init=False)
    _over_start: float = field(default=-math.inf, init=False)

    def __post_init__(self) -> None:
        self.alone = FixedWindow(self.limit, self.window)

    async def hit(self, db: AsyncDatabase[Document], client: str, now: float) -> float | None:
        """Count one request at `now` (epoch seconds): None if allowed, else the wait."""
        start = now - now % self.window
        left = start + self.window - now
        if start != self._over_start:
            self._over, self._over_start = set(), start
        counter = hashlib.sha256(f"{client}|{start:.0f}".encode()).hexdigest()
        if counter in self._over:
            return left
        # Kept one window past its end, so clocks a little apart still find it.
        ends = datetime.fromtimestamp(start + 2 * self.window, UTC)
        place = await self.batches.count(db, counter, ends)
        if place is None:
            return self.alone.hit(client, now)
        if place >= self.limit:
            self._over.add(counter)
        return over_the_limit(place, self.limit, left)


def retry_after(wait: float) -> str:
    """`Retry-After` in whole seconds, never 0 (which would invite an immediate retry)."""
    return str(max(1, math.ceil(wait)))


def rate_limited(limiter: SharedWindow, clock: Callable[[], float] = time.time) -> Guard:
    """A guard answering 429 with `Retry-After` once a client is over the limit."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if await _holds_a_valid_key(connection):
            # Staff and integrations are not the public: some of their routes share a path
            # with a public one (Litestar mounts a path in one router only), and they must not
            # be limited as if they were. A key that does not authenticate counts as none.
            return
        client = connection.client.host if connection.client else "unknown"
        wait = await limiter.hit(gateway_of(connection.app).db, client, clock())
        if wait is not None:
            raise problem(429, f"At most {limiter.limit} requests per minute are allowed to "
                          "public routes; wait as Retry-After says.",
                          headers={"Retry-After": retry_after(wait)})

    return guard


async def _holds_a_valid_key(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    if presented_key(connection.headers) is None:
        return False
    try:
        await authenticate(connection)
    except HTTPException:
        return False
    return True
