"""Transactional outbox: a state change and the events it causes are one atomic write.

The events wait inside the changed document itself (an `outbox` array), so one
single-document write stores both; this is atomic on a standalone mongod, a replica set and the
embedded stand-in alike, with no multi-document transaction. The relay publishes each entry to
JetStream with `Nats-Msg-Id` = event id and removes it only after the PubAck, so an event is
published at least once and JetStream's duplicate window drops the repeats (a crash between
publish and removal, or two relays of two replicas racing on the same document).
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
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from shared.contracts.events import Event
from shared.db import Document, IndexSpec

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

OUTBOX_FIELD = "outbox"
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
    return merged


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
    ) -> None:
        self.db, self.collections, self.broker = db, tuple(collections), broker
        self.source, self.poll_interval, self.batch = source, poll_interval, batch
        self._gate = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # Documents named by `kick` are fetched by _id; the full scan (which the stand-in
        # serves by reading the whole collection, whatever the index) runs at start, on a
        # kick that names nothing, and at least every `poll_interval`.
        self._hints: dict[str, set[Any]] = {}
        self._full, self._next_full = True, 0.0

    @staticmethod
    def indexes(collections: Sequence[str]) -> list[IndexSpec]:
        """A multikey index on the entries' times: only documents with pending events are in it."""
        return [IndexSpec(name, ((f"{OUTBOX_FIELD}.at", 1),)) for name in collections]

    def start(self) -> None:
        """Start relaying in the background."""
        if self.collections and self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"outbox-relay {self.source}")

    def kick(self, collection: str | None = None, document_id: Any = None) -> None:
        """Publish now rather than at the next poll (call after writing events).

        Naming the document that got events lets the relay fetch just that one."""
        if collection is None or document_id is None or collection not in self.collections:
            self._full = True
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
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)
                self._wake.clear()

    async def relay_once(self, *, named_only: bool = False) -> int:
        """Publish every pending entry once; return how many were published.

        `named_only`: just the documents named by `kick` since the last round, unless a full
        scan is due (see `__init__`).

        Documents are relayed concurrently (up to `concurrency` at a time), each document's
        entries in order, so that events about one thing never overtake each other.
        """
        published = 0
        hints, self._hints = self._hints, {}
        full = not named_only or self._full or time.monotonic() >= self._next_full
        if full:
            self._full, self._next_full = False, time.monotonic() + self.poll_interval
        for name in self.collections:
            collection = self.db[name]
            # `$elemMatch` rather than the dotted `outbox.at`: MongoDB serves both from the
            # multikey index, but the embedded stand-in does not look into arrays for dotted
            # paths and would find nothing.
            query: Document = {OUTBOX_FIELD: {"$elemMatch": {"at": {"$gt": _EPOCH}}}}
            if not full:
                if not hints.get(name):
                    continue
                query["_id"] = {"$in": sorted(hints[name])}
            pending = await collection.find(query, {OUTBOX_FIELD: 1}).limit(self.batch).to_list()
            if full and len(pending) == self.batch:
                self._full = True  # more behind this batch
            counts = await asyncio.gather(
                *(self._relay_document(collection, document) for document in pending),
                return_exceptions=True)
            published += sum(count for count in counts if isinstance(count, int))
            failure = next((c for c in counts if isinstance(c, BaseException)), None)
            if failure is not None:
                raise failure
        return published

    async def _relay_document(
        self, collection: AsyncCollection[Document], document: Document
    ) -> int:
        sent: list[str] = []
        try:
            async with self._gate:
                for entry in document.get(OUTBOX_FIELD, []):
                    await self._publish(entry)
                    sent.append(entry["id"])
        finally:
            if sent:
                await collection.update_one(
                    {"_id": document["_id"]},
                    {"$pull": {OUTBOX_FIELD: {"id": {"$in": sent}}}},
                )
        return len(sent)

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
