"""Events the catalog consumes: finished translations and publications from portals.

A refusal becomes a `ServiceError` with its code, as for an RPC, and `shared.consumer` decides
by that code: in these two paths a `conflict` only comes from `Catalog.update` losing its race
with other writers every time, which a later delivery may win, so it is retried; the rest
(invalid, not found, gone) are dead-lettered at once.

A portal publishes on `ingest.catalog.<its source>.document.v1`, the only subject its NATS user
may publish on (deploy/nats-portals.conf); an event whose data names another source is refused
the same way, at once, so no portal can revise another portal's documents."""

from __future__ import annotations

import logging

from faststream.nats import NatsRouter
from faststream.nats.message import NatsMessage

from services.catalog.domain.errors import Refusal
from services.catalog.handlers import Catalog
from shared.bus import ServiceError
from shared.consumer import PermanentFailure, subscribe
from shared.contracts.catalog import IngestedDocument
from shared.contracts.envelope import CloudEvent
from shared.contracts.translate import JobCompleted
from shared.service import Runtime

log = logging.getLogger(__name__)

TRANSLATIONS_DURABLE = "catalog-translations"
INGEST_DURABLE = "catalog-ingest"


def catalog_consumers(runtime: Runtime, catalog: Catalog) -> NatsRouter:
    """Durable consumers shared by every replica of the catalog."""
    router = NatsRouter()

    async def on_translation(event: CloudEvent) -> None:
        done = JobCompleted.from_cloudevent(event)
        try:
            outcome = await catalog.apply_translation(done)
        except Refusal as refusal:
            raise ServiceError(refusal.code, refusal.message) from None
        log.info("translation received", extra={"document_id": done.job.document_id,
                                                "revision": done.job.revision,
                                                "outcome": outcome})

    async def on_ingest(event: CloudEvent) -> None:
        item = IngestedDocument.from_cloudevent(event)
        if delivered_subject(runtime) != IngestedDocument.subject_for(item.source):
            raise PermanentFailure("the data's source is not the one its subject names")
        try:
            doc = await catalog.ingest(item)
        except Refusal as refusal:
            raise ServiceError(refusal.code, refusal.message) from None
        log.info("document ingested", extra={"document_id": doc["_id"],
                                             "revision": doc["revision"]})

    subscribe(router, runtime, subject=JobCompleted.subject(), stream="TRANSLATE",
              durable=TRANSLATIONS_DURABLE, handler=on_translation)
    subscribe(router, runtime, subject=IngestedDocument.subject(), stream="INGEST",
              durable=INGEST_DURABLE, handler=on_ingest)
    return router


def delivered_subject(runtime: Runtime) -> str:
    """The subject the event being handled arrived on: the server routed it there, after
    checking the sender's permissions, so unlike the data it cannot be forged. (Handlers are
    given the event only; FastStream keeps the message being handled in its context.)"""
    message = runtime.broker.context.get_local("message")
    if not isinstance(message, NatsMessage):
        raise RuntimeError("no NATS message is being handled")
    return message.raw_message.subject
