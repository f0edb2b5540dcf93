"""Every NATS entrypoint of search: `rpc.catalog.search` and `rpc.catalog.oai`, and this
process's follower of the catalog's document events. Parse, call a handler, reply.

Every replica must see every event, so each process follows the CATALOG stream with its own
pull consumer (a fresh name, delivering from "now"), never the replicas' shared durable. It
subscribes BEFORE the index is rebuilt: an event that lands during the rebuild waits in the
consumer and is applied after it. A message is acknowledged only once its documents are
indexed; a failure leaves it to be redelivered.

A named pull consumer rather than an ordered push one: the deployment's NATS permissions let
the catalog create consumers only by name (`$JS.API.CONSUMER.CREATE.<stream>.<name>.>`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import nats.errors
import nats.js.errors
from faststream.nats import NatsBroker, NatsRouter
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext

from services.catalog.search import handlers
from services.catalog.search.engine import SearchEngine
from services.catalog.search.handlers import SearchIndex
from services.catalog.search.oai.verbs import Harvest, answer_oai
from services.catalog.settings import CONCURRENT_SEARCHES, SEARCH_TIMEOUT
from shared.bus import RpcRoutes, ServiceError
from shared.contracts.catalog.search import OaiReply, OaiRequest, SearchReply, SearchRequest
from shared.contracts.envelope import CloudEvent, InvalidEnvelope

log = logging.getLogger(__name__)

STREAM = "CATALOG"
DOCUMENT_EVENTS = "catalog.document.>"
BATCH = 256
RETRY_AFTER = 2.0


def search_rpc(index: SearchIndex, harvest: Harvest) -> NatsRouter:
    """Searches on this process's index; OAI-PMH harvesting from MongoDB."""
    routes = RpcRoutes("catalog")
    running = asyncio.Semaphore(CONCURRENT_SEARCHES)

    @routes.responder("search", SearchRequest)
    async def search(request: SearchRequest) -> SearchReply:
        try:
            async with running:
                return await asyncio.wait_for(handlers.search(index, request), SEARCH_TIMEOUT)
        except TimeoutError:
            raise ServiceError("unavailable", "The search took too long; narrow it.") from None

    @routes.responder("oai", OaiRequest)
    async def oai(request: OaiRequest) -> OaiReply:
        return OaiReply(xml=await answer_oai(harvest, request))

    return routes.router


def consumer_config() -> ConsumerConfig:
    """A fresh config each time: nats-py fills in the name and filter of the one it is given."""
    return ConsumerConfig(
        deliver_policy=DeliverPolicy.NEW, ack_policy=AckPolicy.EXPLICIT, ack_wait=30,
        max_ack_pending=4 * BATCH,
        inactive_threshold=3600,  # a dead process's consumer goes away; a long rebuild keeps it
    )


class IndexSync:
    """The follower of the catalog's events that keeps one process's index current."""

    def __init__(self, broker: NatsBroker, index: SearchIndex) -> None:
        self.broker, self.index = broker, index
        self._subscription: JetStreamContext.PullSubscription | None = None

    @property
    def engine(self) -> SearchEngine:
        """The index kept current."""
        return self.index.engine

    async def subscribe(self) -> None:
        js = self.broker.connection.jetstream()
        self._subscription = await js.pull_subscribe(
            DOCUMENT_EVENTS, stream=STREAM, config=consumer_config())

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
            await handlers.when_documents_changed(self.index, ids)
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
        await handlers.when_events_were_missed(self.index)


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
