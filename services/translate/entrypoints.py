"""Every NATS entrypoint of translate: `rpc.translate.*`, the catalog's and registration's
events, and the drafting work queue. Parse, call a handler, reply; refusals become error
replies."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

from faststream import AckPolicy
from faststream.nats import AckPolicy as NatsAckPolicy
from faststream.nats import ConsumerConfig, JStream, NatsMessage, NatsRouter, PullSub

from services.translate import views
from services.translate.domain.errors import Refused
from services.translate.handlers import Deps, drafting, intake, queries, review, schedule
from shared.bus import RpcRoutes, ServiceError
from shared.consumer import PULL_WAIT_S, subscribe
from shared.contracts.catalog import events as documents
from shared.contracts.envelope import CloudEvent, InvalidEnvelope
from shared.contracts.registration import events as sessions
from shared.contracts.translate import rpc as jobs
from shared.contracts.translate.events import JobQueued
from shared.service import Runtime

log = logging.getLogger(__name__)

CATALOG_DURABLE = "translate-catalog"
DRAFTER_DURABLE = "translate-drafter"
SESSIONS_DURABLE = "translate-sessions"

T = TypeVar("T")


async def _refusals_replied(action: Awaitable[T]) -> T:
    try:
        return await action
    except Refused as refusal:
        raise ServiceError(refusal.code, refusal.message, refusal.details) from None


def routers(runtime: Runtime, deps: Deps) -> list[NatsRouter]:
    """Every router of the service, as bootstrap serves them and the fast test tier reuses them."""
    return [rpc_router(deps), catalog_router(runtime, deps), sessions_router(runtime, deps),
            drafting_router(deps)]


def rpc_router(deps: Deps) -> NatsRouter:
    """`rpc.translate.*`: the queue, translators' and reviewers' actions, glossary, figures."""
    routes = RpcRoutes("translate")

    @routes.responder("list_jobs", jobs.ListJobs)
    async def list_jobs(request: jobs.ListJobs) -> jobs.JobPage:
        return views.page(*await queries.jobs_page(deps, request))

    @routes.responder("get_job", jobs.JobId)
    async def get_job(request: jobs.JobId) -> jobs.JobView:
        return views.view(await _refusals_replied(queries.job(deps, request.job_id)))

    @routes.responder("claim", jobs.JobAction)
    async def claim(request: jobs.JobAction) -> jobs.ClaimReply:
        job = await _refusals_replied(review.claim(deps, request.job_id, request.actor))
        assert job.claimed_by is not None and job.lease_until is not None
        return jobs.ClaimReply(job_id=job.id, claimed_by=job.claimed_by,
                              lease_until=job.lease_until, version=job.version)

    @routes.responder("save_draft", jobs.SaveDraft)
    async def save_draft(request: jobs.SaveDraft) -> jobs.ActionReply:
        targets = {segment.id: segment.target for segment in request.segments}
        return views.action_reply(await _refusals_replied(
            review.save_draft(deps, request.job_id, request.actor, targets, request.version)))

    @routes.responder("changes", jobs.JobId)
    async def changes(request: jobs.JobId) -> jobs.JobChanges:
        return views.changes(await _refusals_replied(queries.job(deps, request.job_id)))

    @routes.responder("submit", jobs.JobAction)
    async def submit(request: jobs.JobAction) -> jobs.ActionReply:
        return views.action_reply(await _refusals_replied(
            review.submit(deps, request.job_id, request.actor)))

    @routes.responder("approve", jobs.JobAction)
    async def approve(request: jobs.JobAction) -> jobs.ActionReply:
        return views.action_reply(await _refusals_replied(
            review.approve(deps, request.job_id, request.actor)))

    @routes.responder("reject", jobs.RejectJob)
    async def reject(request: jobs.RejectJob) -> jobs.ActionReply:
        return views.action_reply(await _refusals_replied(
            review.reject(deps, request.job_id, request.actor, request.reason)))

    @routes.responder("request", jobs.RequestTranslation)
    async def request_translation(request: jobs.RequestTranslation) -> jobs.JobView:
        return views.view(await _refusals_replied(
            intake.when_translation_is_requested(deps, request)))

    @routes.responder("get_glossary", jobs.GetGlossary)
    async def get_glossary(_: jobs.GetGlossary) -> jobs.Glossary:
        return jobs.Glossary(entries=await queries.glossary_entries(deps))

    @routes.responder("put_glossary", jobs.Glossary)
    async def put_glossary(request: jobs.Glossary) -> jobs.Glossary:
        await queries.replace_glossary(deps, request.entries)
        return request

    @routes.responder("stats", jobs.GetStats)
    async def stats(_: jobs.GetStats) -> jobs.TranslationStats:
        return await queries.stats(deps)

    return routes.router


def catalog_router(runtime: Runtime, deps: Deps) -> NatsRouter:
    """Published and revised documents make jobs; stored translations deliver them."""
    router = NatsRouter()

    async def on_document_event(event: CloudEvent) -> None:
        if event.type in (documents.DocumentPublished.subject(),
                          documents.DocumentRevised.subject()):
            snapshot = documents.DocumentPublished.model_validate(event.data).document
            await intake.when_document_is_published(deps, snapshot)
        elif event.type == documents.DocumentTranslated.subject():
            stored = documents.DocumentTranslated.from_cloudevent(event)
            await review.when_document_is_translated(deps, stored)

    subscribe(router, runtime, subject="catalog.document.>", stream="CATALOG",
              durable=CATALOG_DURABLE, handler=on_document_event)
    return router


def sessions_router(runtime: Runtime, deps: Deps) -> NatsRouter:
    """Session start times from registration (session documents and texts are due before
    they start), and the texts of sessions, which become jobs as documents do."""
    router = NatsRouter()

    async def on_session_event(event: CloudEvent) -> None:
        if event.type == sessions.SessionCancelled.subject():
            cancelled = sessions.SessionCancelled.from_cloudevent(event)
            await schedule.when_session_changed(deps, cancelled.session, cancelled=True)
        elif event.type in (sessions.SessionPublished.subject(),
                            sessions.SessionRescheduled.subject()):
            session = sessions.SessionPublished.model_validate(event.data).session
            await schedule.when_session_changed(deps, session)
        elif event.type == sessions.SessionTexts.subject():
            await intake.when_session_texts_change(
                deps, sessions.SessionTexts.from_cloudevent(event))

    subscribe(router, runtime, subject="registration.session.>", stream="REGISTRATION",
              durable=SESSIONS_DURABLE, handler=on_session_event)
    return router


def drafting_router(deps: Deps) -> NatsRouter:
    """A work queue on our own `translate.job.queued.v1`: at most `concurrency` drafts at once
    per replica, and at most that many unacknowledged per replica on the server."""
    router = NatsRouter()
    workers = deps.settings.concurrency

    @router.subscriber(
        JobQueued.subject(), stream=JStream("TRANSLATE", declare=False),
        durable=DRAFTER_DURABLE, pull_sub=PullSub(batch_size=workers, timeout=PULL_WAIT_S),
        max_workers=workers, ack_policy=AckPolicy.MANUAL,
        config=ConsumerConfig(ack_policy=NatsAckPolicy.EXPLICIT, max_ack_pending=workers * 4,
                              ack_wait=int(deps.settings.drafting_budget) + 15, max_deliver=-1),
        title=DRAFTER_DURABLE,
    )
    async def on_job_queued(message: NatsMessage) -> None:
        raw = message.raw_message
        try:
            queued = JobQueued.from_cloudevent(
                CloudEvent.from_nats(raw.data, raw.headers or {}))
        except (InvalidEnvelope, ValueError):
            log.warning("malformed queued-job event dropped", extra={"subject": raw.subject})
            await message.ack()
            return
        try:
            # Idempotent: a job that is not waiting for a draft is left alone.
            retry_in = await drafting.when_job_is_queued(deps, queued.job.job_id)
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
