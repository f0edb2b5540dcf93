"""`rpc.translate.*`: parse, call a handler, reply. Refusals become error replies."""

from __future__ import annotations

from collections.abc import Awaitable

from faststream.nats import NatsRouter

from services.translate import review
from services.translate.context import Context
from services.translate.domain.errors import Refused
from services.translate.domain.model import Job
from shared.bus import RpcRoutes, ServiceError
from shared.contracts.translate import (
    ActionReply,
    ClaimReply,
    GetGlossary,
    GetStats,
    Glossary,
    JobAction,
    JobId,
    JobPage,
    JobView,
    ListJobs,
    RejectJob,
    RequestTranslation,
    SaveDraft,
    TranslationStats,
)


async def _job(action: Awaitable[Job]) -> Job:
    try:
        return await action
    except Refused as refusal:
        raise ServiceError(refusal.code, refusal.message) from None


def _reply(job: Job) -> ActionReply:
    return ActionReply(job=review.view(job), warnings=review.glossary_warnings(job))


def rpc_router(ctx: Context) -> NatsRouter:
    routes = RpcRoutes("translate")

    @routes.responder("list_jobs", ListJobs)
    async def list_jobs(request: ListJobs) -> JobPage:
        return await review.page(ctx, request)

    @routes.responder("get_job", JobId)
    async def get_job(request: JobId) -> JobView:
        job = await ctx.store.job(request.job_id)
        if job is None:
            raise ServiceError("not_found", f"There is no translation job {request.job_id!r}.")
        return review.view(job)

    @routes.responder("claim", JobAction)
    async def claim(request: JobAction) -> ClaimReply:
        job = await _job(review.claim(ctx, request.job_id, request.actor))
        assert job.claimed_by is not None and job.lease_until is not None
        return ClaimReply(job_id=job.id, claimed_by=job.claimed_by, lease_until=job.lease_until)

    @routes.responder("save_draft", SaveDraft)
    async def save_draft(request: SaveDraft) -> ActionReply:
        targets = {segment.id: segment.target for segment in request.segments}
        return _reply(await _job(review.save_draft(ctx, request.job_id, request.actor, targets)))

    @routes.responder("submit", JobAction)
    async def submit(request: JobAction) -> ActionReply:
        return _reply(await _job(review.submit(ctx, request.job_id, request.actor)))

    @routes.responder("approve", JobAction)
    async def approve(request: JobAction) -> ActionReply:
        return _reply(await _job(review.approve(ctx, request.job_id, request.actor)))

    @routes.responder("reject", RejectJob)
    async def reject(request: RejectJob) -> ActionReply:
        return _reply(await _job(review.reject(ctx, request.job_id, request.actor,
                                               request.reason)))

    @routes.responder("request", RequestTranslation)
    async def request_translation(request: RequestTranslation) -> JobView:
        return review.view(await _job(review.request_translation(ctx, request)))

    @routes.responder("get_glossary", GetGlossary)
    async def get_glossary(_: GetGlossary) -> Glossary:
        return Glossary(entries=await review.glossary(ctx))

    @routes.responder("put_glossary", Glossary)
    async def put_glossary(request: Glossary) -> Glossary:
        await ctx.store.set_glossary(request.entries)
        return request

    @routes.responder("stats", GetStats)
    async def stats(_: GetStats) -> TranslationStats:
        return await review.stats(ctx)

    return routes.router
