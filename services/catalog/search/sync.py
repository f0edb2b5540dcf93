"""Keeps this process's index equal to MongoDB: a rebuild at start, then the catalog's events.

Every replica must see every event, so each process follows the CATALOG stream with its own
pull consumer (a fresh name, delivering from "now"), never the replicas' shared durable. It
subscribes BEFORE rebuilding: an event that lands during the rebuild waits in the consumer and
is applied after it. Events are only signals; the document is re-read by id from MongoDB, the
source of truth, so applying one twice, late or out of order gives the same index. A message
is acknowledged only once its documents are indexed; a failure leaves it to be redelivered.

A named pull consumer rather than an ordered push one: the deployment's NATS permissions let
the catalog create consumers only by name (`$JS.API.CONSUMER.CREATE.<stream>.<name>.>`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable

import nats.errors
import nats.js.errors
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext

from services.catalog.search.domain.indexable import is_searchable, to_indexable
from services.catalog.search.engine import SearchEngine
from services.catalog.search.store import (
    documents_by_id,
    file_texts_by_document,
    published_batches,
)
from shared.contracts.envelope import CloudEvent, InvalidEnvelope
from shared.service import Runtime

log = logging.getLogger(__name__)

STREAM = "CATALOG"
DOCUMENT_EVENTS = "catalog.document.>"
BATCH = 256
RETRY_AFTER = 2.0


def consumer_config() -> ConsumerConfig:
    """A fresh config each time: nats-py fills in the name and filter of the one it is given."""
    return ConsumerConfig(
        deliver_policy=DeliverPolicy.NEW, ack_policy=AckPolicy.EXPLICIT, ack_wait=30,
        max_ack_pending=4 * BATCH,
        inactive_threshold=3600,  # a dead process's consumer goes away; a long rebuild keeps it
    )


class IndexSync:
    """The rebuild and the event follower of one process's index."""

    def __init__(self, runtime: Runtime, engine: SearchEngine) -> None:
        self.runtime, self.engine = runtime, engine
        self._subscription: JetStreamContext.PullSubscription | None = None

    async def subscribe(self) -> None:
        js = self.runtime.broker.connection.jetstream()
        self._subscription = await js.pull_subscribe(
            DOCUMENT_EVENTS, stream=STREAM, config=consumer_config())

    async def rebuild(self) -> set[str]:
        """Index every published document (with its files' text) from MongoDB; their ids."""
        started, count, published = time.perf_counter(), 0, set[str]()
        texts = await file_texts_by_document(self.runtime.db)
        indexing: asyncio.Task[int] | None = None  # index one batch while reading the next
        async for batch in published_batches(self.runtime.db):
            entries = [to_indexable(d, texts.get(str(d["_id"]), ())) for d in batch]
            published.update(entry.id for entry in entries)
            count += await indexing if indexing else 0
            indexing = asyncio.create_task(asyncio.to_thread(self.engine.apply, entries))
        count += await indexing if indexing else 0
        log.info("search index rebuilt", extra={"documents": count,
                                                "seconds": round(time.perf_counter() - started, 2)})
        return published

    async def reindex(self, ids: Iterable[str]) -> None:
        """Make the index agree with MongoDB for these documents."""
        ids = list(ids)
        if not ids:
            return
        documents = await documents_by_id(self.runtime.db, ids)
        shown = [d for d in documents.values() if is_searchable(d)]
        texts = await file_texts_by_document(self.runtime.db, [str(d["_id"]) for d in shown])
        entries = [to_indexable(d, texts.get(str(d["_id"]), ())) for d in shown]
        gone = [i for i in ids if i not in {e.id for e in entries}]
        await asyncio.to_thread(self.engine.apply, entries, gone)

    async def follow(self) -> None:
        """Apply events until cancelled or the bus connection is closed."""
        try:
            while True:
                await self._apply_next()
        except nats.errors.ConnectionClosedError:
            log.info("bus connection closed; no longer following catalog events")
        finally:
            if self._subscription is not None:
                with contextlib.suppress(nats.errors.Error):
                    await self._subscription.unsubscribe()

    async def _apply_next(self) -> None:
        assert self._subscription is not None, "subscribe() first"
        try:
            messages = await self._subscription.fetch(BATCH, timeout=5)
        except TimeoutError:
            return
        except (nats.js.errors.NotFoundError, nats.js.errors.ServiceUnavailableError):
            if await self._consumer_is_gone():
                await self._resynchronise()
            else:
                await asyncio.sleep(RETRY_AFTER)
            return
        except nats.errors.ConnectionClosedError:
            raise
        except nats.errors.Error as error:
            log.warning("reading catalog events failed: %s", type(error).__name__)
            await asyncio.sleep(RETRY_AFTER)
            return
        ids = {i for m in messages if (i := document_id_of(m)) is not None}
        try:
            await self.reindex(ids)
        except Exception:
            log.exception("reindexing failed; the events will be redelivered",
                          extra={"documents": len(ids)})
            for message in messages:
                await message.nak(delay=RETRY_AFTER)
            return
        for message in messages:
            await message.ack()

    async def _consumer_is_gone(self) -> bool:
        """Whether the server says our consumer no longer exists (not merely unreachable)."""
        assert self._subscription is not None
        try:
            await self._subscription.consumer_info()
        except nats.js.errors.NotFoundError:
            return True
        except nats.errors.Error:
            return False
        return False

    async def _resynchronise(self) -> None:
        """The consumer is gone (away longer than its inactivity limit, or deleted): events
        were missed, so subscribe again and rebuild, dropping what is no longer published."""
        log.warning("catalog event consumer lost; subscribing again and rebuilding")
        if self._subscription is not None:
            with contextlib.suppress(nats.errors.Error):
                await self._subscription.unsubscribe()
        await self.subscribe()
        published = await self.rebuild()
        removed = await asyncio.to_thread(self.engine.keep_only, published)
        log.info("search index resynchronised", extra={"documents": len(published),
                                                       "removed": removed})


def document_id_of(message: Msg) -> str | None:
    """The document an event is about, or None for an event that names none."""
    try:
        event = CloudEvent.from_nats(message.data, message.headers or {})
    except InvalidEnvelope:
        log.warning("malformed catalog event ignored", extra={"subject": message.subject})
        return None
    data = event.data if isinstance(event.data, dict) else {}
    nested = data.get("document")
    document_id = data.get("document_id") or (
        nested.get("document_id") if isinstance(nested, dict) else None)
    return document_id if isinstance(document_id, str) and document_id else None
