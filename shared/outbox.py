"""Transactional outbox: a state change and the events it causes are one atomic write.

The events wait inside the changed document itself (an `outbox` array), so one
single-document write stores both; this is atomic on a standalone mongod, a replica set and the
embedded stand-in alike, with no multi-document transaction. The relay publishes each entry to
JetStream with `Nats-Msg-Id` = event id and removes it only after the PubAck, so an event is
published at least once and JetStream's duplicate window drops the repeats (a crash between
publish and removal, or two relays of two replicas racing on the same document).

Finding pending events without reading every document: the same write that adds entries sets
a scalar marker, `outbox_since_ms` (`$min`: the time, in ms, since which the outbox has not been
empty), which has a single-field index; the relay's periodic scan asks for `{outbox_since_ms:
{$gt: 0}}`, which MongoDB and the embedded stand-in both answer from that index (the stand-in
answers a query on array elements, `$elemMatch`, only by reading the whole collection, and its
compound and multikey indexes do not serve it either). The marker is cleared only by a
conditional write, `{_id, outbox: {$size: 0}}` → `$unset`, sent right after the relay's `$pull`
of what it published (one command, two single-document atomic updates in order). Why that is
right under concurrency: a writer adding entries sets the marker in the same atomic write as
the entries; if that write lands before the conditional clear, the outbox is not empty and the
marker stays; if after, it sets the marker again. So the marker is never absent while an entry
waits (whatever another relay pulled meanwhile); at worst it stays set over an empty outbox (a
crash between the two updates), and the next scan finds that document, publishes nothing and
clears it. A counter decremented by the relay would not do: two relays racing on one
document would both decrement for the same entries.

Documents written before the marker existed (or torn by the stand-in, which may store an
update's `$addToSet` without the rest of it when killed): the first full scan of a relay
(at start) and one every `ARRAY_SCAN_S` still look at the entries themselves (`$elemMatch`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from faststream.nats import NatsBroker
from opentelemetry import propagate, trace
from pymongo import UpdateMany
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from shared.contracts.events import Event
from shared.db import Document, IndexSpec

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

OUTBOX_FIELD = "outbox"
PENDING_FIELD = "outbox_since_ms"
"""Set (to a time in ms, > 0) exactly while a document may have entries to publish; indexed."""
ARRAY_SCAN_S = 3600.0
"""How often (besides at start) a full scan looks at the entries themselves rather than at
the marker: for documents without it. About 0.4 s of the stand-in's time per 50,000
documents of a collection, so once an hour is about 0.1 ms per second."""
IDLE_SCAN_MAX_S = 30.0
"""The longest wait between two periodic scans: while they find nothing the wait doubles from
`poll_interval` up to this. Every write of events wakes the relay of its process (`kick`), so
the scan is a safety net (another replica's crash, a kick lost to a failure)."""
MEMORY_BATCHES = 10
"""Batches of handed-over entries (`kick(..., entries)`) a relay keeps before it falls back
to reading the documents; bounds memory when the bus is slower than the writers."""
BUSY_SCAN_DELAY_S = 5.0
"""How much longer the periodic full scan waits while kicks keep naming documents: during a
burst it would mostly find documents whose writers' relays (here or in another replica) are
publishing them already, and publish them a second time."""
LINGER_S = 0.03
"""How long a woken relay waits for more writers before a round: each round removes what it
published with one write per collection, so under load a round serves many registrations
for one command (rounds at most about every LINGER_S), at the price of that much delay."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def outbox_entry(
    event: Event, *, event_id: str, source: str, now: datetime, subject: str | None = None
) -> Document:
    """An event ready to be stored in a document's outbox, with the current trace context."""
    body, headers = event.to_cloudevent(
        event_id=event_id, source=source, time=now, subject=subject
    ).to_nats()
    propagate.inject(headers)  # the consumer's spans join the trace of the request that wrote it
    return {"id": event_id, "subject": event.subject(), "body": body.decode(),
            "headers": headers, "at": now}


def push_to_outbox(update: dict[str, Any], entries: Sequence[Document]) -> dict[str, Any]:
    """Add `entries` to an update document, beside its other operators.

    The document must already have its `outbox` array: insert every document that will carry
    events with `outbox` set (empty, or holding the events of its creation).

    `$addToSet` rather than `$push`: entries have unique ids, so on MongoDB the two are the
    same, but the embedded stand-in stores `$push`ed subdocuments as JSON strings (and does not
    create a missing array on `$addToSet`, hence the rule above).
    """
    merged = dict(update)
    merged["$addToSet"] = {**update.get("$addToSet", {}), OUTBOX_FIELD: {"$each": list(entries)}}
    if entries:
        merged["$min"] = {**update.get("$min", {}), PENDING_FIELD: _now_ms()}
    return merged


def with_pending_marker(document: Document) -> Document:
    """`document` (a whole document to insert or to replace a stored one) with the pending
    marker set if its outbox holds entries, and without it if not.

    A replacement carries the stored outbox over (read with it), and with it the stored
    marker, kept as it was; the relay's conditional clear cannot race with this write
    (each is atomic on its own document)."""
    marked = dict(document)
    if marked.get(OUTBOX_FIELD):
        marked.setdefault(PENDING_FIELD, _now_ms())
    else:
        marked.pop(PENDING_FIELD, None)
    return marked


def pending_query() -> Document:
    """What the periodic scan asks for: a bound on one single-field-indexed scalar."""
    return {PENDING_FIELD: {"$gt": 0}}


def _now_ms() -> int:
    return max(1, int(time.time() * 1000))


def removal(sent: dict[Any, list[str]], ids: list[str]) -> list[UpdateMany]:
    """The writes after a round, in order: pull the published entries, then clear the pending
    marker of those documents left with an empty outbox (see the module's docstring).

    Entry ids are unique, so pulling every id sent from every document sent from removes
    exactly what was published (an id JetStream has acknowledged once is published, wherever
    else a copy of it waits). The clear covers every document of the round, also those that
    had nothing left to send (a crash between a pull and its clear)."""
    writes = [UpdateMany({"_id": {"$in": [key for key, done in sent.items() if done]}},
                         {"$pull": {OUTBOX_FIELD: {"id": {"$in": ids}}}})] if ids else []
    return [*writes, UpdateMany({"_id": {"$in": list(sent)}, OUTBOX_FIELD: {"$size": 0}},
                                {"$unset": {PENDING_FIELD: ""}})]


class OutboxRelay:
    """Publishes the outbox entries of some collections, and keeps going through outages."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        collections: Sequence[str],
        broker: NatsBroker,
        *,
        source: str,
        poll_interval: float = 0.5,
        batch: int = 200,
        concurrency: int = 32,
        linger: float = LINGER_S,
    ) -> None:
        self.db, self.collections, self.broker = db, tuple(collections), broker
        self.source, self.poll_interval, self.batch = source, poll_interval, batch
        self.linger = linger
        self._gate = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # Documents named by `kick` are fetched by _id; the full scan (of the pending marker,
        # index-served) runs at start, on a kick that names nothing, after a failure, and
        # periodically: `poll_interval` after it found something, backing off to
        # IDLE_SCAN_MAX_S while it finds nothing (plus BUSY_SCAN_DELAY_S while documents were
        # named lately). The first full scan and one every ARRAY_SCAN_S look at the entries.
        self._hints: dict[str, set[Any]] = {}
        # Documents whose entries `kick` handed over: published without reading them back.
        self._given: dict[tuple[str, Any], list[Document]] = {}
        self._full, self._next_full, self._named_at = True, 0.0, -BUSY_SCAN_DELAY_S
        self._scan_every, self._array_scan_at = poll_interval, 0.0

    @staticmethod
    def indexes(collections: Sequence[str]) -> list[IndexSpec]:
        """The pending marker's index (serves the periodic scan), and a multikey index on the
        entries' times (serves the occasional `$elemMatch` scan on MongoDB)."""
        return [spec for name in collections
                for spec in (IndexSpec(name, ((PENDING_FIELD, 1),)),
                             IndexSpec(name, ((f"{OUTBOX_FIELD}.at", 1),)))]

    def start(self) -> None:
        """Start relaying in the background."""
        if self.collections and self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"outbox-relay {self.source}")

    def kick(self, collection: str | None = None, document_id: Any = None,
             entries: Sequence[Document] | None = None) -> None:
        """Publish now rather than at the next poll (call after writing events).

        Naming the document that got events lets the relay fetch just that one. Giving its
        `entries` too spares even that read: only for the document's first events (written
        into an outbox that was empty), since they are published without what else the
        outbox may hold, and a document's events must never overtake each other."""
        if collection is None or document_id is None or collection not in self.collections:
            self._full = True
        elif entries is not None and len(self._given) < self.batch * MEMORY_BATCHES:
            self._given[(collection, document_id)] = list(entries)
        elif sum(map(len, self._hints.values())) >= self.batch:
            self._full = True  # many at once: one scan serves them all
        else:
            self._hints.setdefault(collection, set()).add(document_id)
        self._wake.set()

    async def stop(self) -> None:
        """Publish what is pending if the bus answers, then stop."""
        self._stopping = True
        if self._task is not None:
            self._wake.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=10)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                published = await self.relay_once(named_only=True)
                failures = 0
            except Exception as error:  # a NATS or MongoDB outage: wait, then go on
                self._full = True  # named documents may not have been relayed
                failures += 1
                delay = min(0.5 * 2**failures, 15.0)
                log.warning("outbox relay paused", extra={"error": type(error).__name__,
                                                          "retry_in_s": delay})
                await asyncio.sleep(delay)
                continue
            if published == 0:
                # Asleep until a kick or the next periodic scan (backed off while idle).
                wait = max(self.poll_interval, self._next_full - time.monotonic())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                self._wake.clear()
            if self.linger and not self._stopping and (self._given or self._hints):
                await asyncio.sleep(self.linger)  # let more writers join this round

    async def relay_once(self, *, named_only: bool = False) -> int:
        """Publish every pending entry once; return how many were published.

        `named_only`: just the documents named by `kick` since the last round, unless a full
        scan is due (see `__init__`).

        Documents are relayed concurrently (up to `concurrency` at a time), each document's
        entries in order, so that events about one thing never overtake each other. What was
        published is then removed with one write per collection, not one per document.
        """
        published = 0
        hints, self._hints = self._hints, {}
        given, self._given = self._given, {}
        now = time.monotonic()
        if hints or given:
            self._named_at = now
        delay = BUSY_SCAN_DELAY_S if now - self._named_at < BUSY_SCAN_DELAY_S else 0.0
        full = not named_only or self._full or now >= self._next_full + delay
        arrays = full and now >= self._array_scan_at
        if full:
            self._full = False
        found, more = 0, False
        for name in self.collections:
            collection = self.db[name]
            documents = {key[1]: {"_id": key[1], OUTBOX_FIELD: entries}
                         for key, entries in given.items() if key[0] == name}
            if full or hints.get(name):
                pending = await self._pending(
                    collection, None if full else hints[name], arrays=arrays)
                found += len(pending)
                more = more or (full and len(pending) == self.batch)
                # The stored outbox, when read, replaces what was handed over: it is complete.
                documents.update((d["_id"], d) for d in pending)
            published += await self._relay_documents(collection, list(documents.values()))
        if full:
            self._schedule_scan(found=bool(found), more=more, arrays=arrays)
        return published

    def _schedule_scan(self, *, found: bool, more: bool, arrays: bool) -> None:
        """After a full scan: when the next one is due (sooner if this one found work, later
        and later while none do), and whether the entries must be looked at again."""
        self._scan_every = self.poll_interval if found \
            else min(self._scan_every * 2, max(IDLE_SCAN_MAX_S, self.poll_interval))
        self._next_full = time.monotonic() + self._scan_every
        if more:
            self._full = True  # more behind this batch
        elif arrays:
            self._array_scan_at = time.monotonic() + ARRAY_SCAN_S

    async def _pending(self, collection: AsyncCollection[Document], ids: set[Any] | None,
                       *, arrays: bool = False) -> list[Document]:
        """Documents with entries to publish: those named in `ids`, or any (a full scan: those
        marked pending, or with `arrays` those with entries, marked or not)."""
        # `$elemMatch` rather than the dotted `outbox.at`: MongoDB serves both from the
        # multikey index, but the embedded stand-in does not look into arrays for dotted
        # paths and would find nothing.
        query: Document = {OUTBOX_FIELD: {"$elemMatch": {"at": {"$gt": _EPOCH}}}}
        if ids is not None:
            query["_id"] = {"$in": sorted(ids)}
        elif not arrays:
            query = pending_query()
        return await collection.find(query, {OUTBOX_FIELD: 1}).limit(self.batch).to_list()

    async def _relay_documents(self, collection: AsyncCollection[Document],
                               documents: list[Document]) -> int:
        """Publish the documents' entries, then remove what went out (even after a failure)."""
        sent: dict[Any, list[str]] = {}
        outcomes = await asyncio.gather(
            *(self._relay_document(document, sent.setdefault(document["_id"], []))
              for document in documents), return_exceptions=True)
        ids = [entry_id for done in sent.values() for entry_id in done]
        if sent:
            await collection.bulk_write(removal(sent, ids))
        failure = next((o for o in outcomes if isinstance(o, BaseException)), None)
        if failure is not None:
            raise failure
        return len(ids)

    async def _relay_document(self, document: Document, sent: list[str]) -> None:
        async with self._gate:
            for entry in document.get(OUTBOX_FIELD, []):
                await self._publish(entry)
                sent.append(entry["id"])

    async def _publish(self, entry: Document) -> None:
        headers = dict(entry["headers"])
        parent = propagate.extract(headers)
        for key in ("traceparent", "tracestate"):
            headers.pop(key, None)  # the telemetry middleware writes the producer span's own
        with tracer.start_as_current_span("outbox relay", context=parent):
            ack = await self.broker.publish(
                entry["body"].encode(), entry["subject"], headers=headers,
                stream=entry["subject"].split(".", 1)[0].upper(), timeout=5.0,
            )
        if ack is not None and ack.duplicate:
            log.info("outbox entry was already published", extra={"event_id": entry["id"]})
