"""Event entrypoints: catalog documents in, and the drafting work queue."""

from __future__ import annotations

import logging

from faststream import AckPolicy
from faststream.nats import AckPolicy as NatsAckPolicy
from faststream.nats import ConsumerConfig, JStream, NatsMessage, NatsRouter, PullSub

from services.translate import handlers, review, schedule
from services.translate.context import Context
from shared.consumer import subscribe
from shared.contracts.catalog import DocumentPublished, DocumentRevised, DocumentTranslated
from shared.contracts.envelope import CloudEvent, InvalidEnvelope
from shared.contracts.registration import SessionCancelled, SessionPublished, SessionRescheduled
from shared.contracts.translate import JobQueued
from shared.service import Runtime

log = logging.getLogger(__name__)

CATALOG_DURABLE = "translate-catalog"
DRAFTER_DURABLE = "translate-drafter"
SESSIONS_DURABLE = "translate-sessions"


def catalog_router(runtime: Runtime, ctx: Context) -> NatsRouter:
    """Published and revised documents make jobs; stored translations deliver them."""
    router = NatsRouter()

    async def on_document_event(event: CloudEvent) -> None:
        if event.type in (DocumentPublished.subject(), DocumentRevised.subject()):
            snapshot = DocumentPublished.model_validate(event.data).document
            await handlers.when_document_is_published(ctx, snapshot)
        elif event.type == DocumentTranslated.subject():
            stored = DocumentTranslated.from_cloudevent(event)
            if stored.status == "reviewed":
                await review.when_catalog_stored_it(ctx, stored.document_id, stored.revision,
                                                    stored.language)

    subscribe(router, runtime, subject="catalog.document.>", stream="CATALOG",
              durable=CATALOG_DURABLE, handler=on_document_event)
    return router


def sessions_router(runtime: Runtime, ctx: Context) -> NatsRouter:
    """Session start times from registration: session documents are due before they start."""
    router = NatsRouter()

    async def on_session_event(event: CloudEvent) -> None:
        if event.type == SessionCancelled.subject():
            cancelled = SessionCancelled.from_cloudevent(event)
            await schedule.when_session_changed(ctx, cancelled.session, cancelled=True)
        elif event.type in (SessionPublished.subject(), SessionRescheduled.subject()):
            session = SessionPublished.model_validate(event.data).session
            await schedule.when_session_changed(ctx, session)

    subscribe(router, runtime, subject="registration.session.>", stream="REGISTRATION",
              durable=SESSIONS_DURABLE, handler=on_session_event)
    return router


def drafting_router(ctx: Context) -> NatsRouter:
    """A work queue on our own `translate.job.queued.v1`: at most `concurrency` drafts at once
    per replica, and at most that many unacknowledged per replica on the server."""
    router = NatsRouter()
    workers = ctx.settings.concurrency

    @router.subscriber(
        JobQueued.subject(), stream=JStream("TRANSLATE", declare=False),
        durable=DRAFTER_DURABLE, pull_sub=PullSub(batch_size=workers, timeout=1.0),
        max_workers=workers, ack_policy=AckPolicy.MANUAL,
        config=ConsumerConfig(ack_policy=NatsAckPolicy.EXPLICIT, max_ack_pending=workers * 4,
                              ack_wait=int(ctx.settings.drafting_budget) + 15, max_deliver=-1),
        title=DRAFTER_DURABLE,
    )
    async def on_job_queued(message: NatsMessage) -> None:
        raw = message.raw_message
        try:
            queued = JobQueued.from_cloudevent(CloudEvent.from_nats(raw.data, raw.headers or {}))
        except (InvalidEnvelope, ValueError):
            log.warning("malformed queued-job event dropped", extra={"subject": raw.subject})
            await message.ack()
            return
        try:
            # Idempotent: a job that is not waiting for a draft is left alone.
            retry_in = await handlers.draft(ctx, queued.job.job_id)
        except Exception as error:  # MongoDB away: try again; a held lease delays the retry
            log.warning("drafting failed; will retry", extra={
                "job_id": queued.job.job_id, "error": type(error).__name__})
            await message.nack(delay=2.0)
            return
        if retry_in is not None:
            await message.nack(delay=retry_in)
        else:
            await message.ack()

    return router
