"""Every NATS entrypoint of the repository (search has its own, `search/entrypoints.py`):
`rpc.catalog.*` and the durable consumers of finished translations and portals' publications.
Parse, call a handler, reply; refusals become typed error replies.

In the consumers a refusal becomes a `ServiceError` with its code, as for an RPC, and
`shared.consumer` decides by that code: in these two paths a `conflict` only comes from
`update_document` losing its race with other writers every time, which a later delivery may
win, so it is retried; the rest (invalid, not found, gone) are dead-lettered at once.

A portal publishes on `ingest.catalog.<its source>.document.v1`, the only subject its NATS user
may publish on (deploy/nats-portals.conf); an event whose data names another source is refused
the same way, at once, so no portal can revise another portal's documents."""

from __future__ import annotations

import logging

from faststream.nats import NatsRouter

from services.catalog.domain.errors import Refusal
from services.catalog.handlers import Deps, documents, files, incoming, reading
from services.catalog.views import document_view, editing_view
from shared.bus import RpcRoutes, ServiceError
from shared.consumer import PermanentFailure, delivered_subject, subscribe
from shared.contracts.catalog import editing as desk
from shared.contracts.catalog import rpc as contracts
from shared.contracts.catalog.events import IngestedDocument
from shared.contracts.envelope import CloudEvent
from shared.contracts.translate.events import JobCompleted
from shared.service import Runtime

log = logging.getLogger(__name__)

TRANSLATIONS_DURABLE = "catalog-translations"
INGEST_DURABLE = "catalog-ingest"




def rpc_router(deps: Deps) -> NatsRouter:
    """Every `rpc.catalog.*` responder except search's."""
    routes = RpcRoutes("catalog")

    @routes.responder("create", contracts.CreateDocument)
    async def create(request: contracts.CreateDocument) -> contracts.DocumentView:
        fields = request.draft.model_dump(exclude_none=True)
        return document_view(await documents.create(deps, fields, request.editor), None)

    @routes.responder("change", contracts.ChangeDocument)
    async def change(request: contracts.ChangeDocument) -> contracts.DocumentView:
        changes = request.changes.model_dump(exclude_none=True)
        return document_view(await documents.change(deps, request.document_id, changes,
                                                    request.editor), None)

    @routes.responder("publish", contracts.DocumentAction)
    async def publish(request: contracts.DocumentAction) -> contracts.DocumentView:
        return document_view(await documents.publish(deps, request.document_id), None)

    @routes.responder("withdraw", contracts.DocumentAction)
    async def withdraw(request: contracts.DocumentAction) -> contracts.DocumentView:
        return document_view(await documents.withdraw(deps, request.document_id,
                                                      request.reason), None)

    @routes.responder("get", contracts.GetDocument)
    async def get(request: contracts.GetDocument) -> contracts.DocumentView:
        doc = await reading.document_at(deps, request.document_id, request.revision,
                                        request.include_drafts)
        return document_view(doc, request.lang)

    @routes.responder("editing", contracts.GetDocument)
    async def editing(request: contracts.GetDocument) -> desk.EditingView:
        doc = await reading.document_at(deps, request.document_id, request.revision,
                                        include_drafts=True)
        return editing_view(doc, request.lang)

    @routes.responder("list", desk.ListDocuments)
    async def listing(request: desk.ListDocuments) -> desk.DocumentPage:
        return await reading.document_page(deps, request)

    @routes.responder("revisions", contracts.ListRevisions)
    async def revisions(request: contracts.ListRevisions) -> contracts.RevisionList:
        return await reading.revision_page(deps, request.document_id, request.before,
                                           request.limit)

    @routes.responder("upload_part", contracts.UploadPart)
    async def upload_part(request: contracts.UploadPart) -> contracts.PartStored:
        await files.keep_upload_piece(deps, request)
        return contracts.PartStored(index=request.index)

    @routes.responder("commit_upload", contracts.CommitUpload)
    async def commit_upload(request: contracts.CommitUpload) -> contracts.AttachedFile:
        return await files.attach_upload(deps, request)

    @routes.responder("file_info", contracts.GetFile)
    async def file_info(request: contracts.GetFile) -> contracts.FileInfo:
        return await files.file_info(deps, request.document_id, request.file_id)

    @routes.responder("read_file", contracts.ReadFile)
    async def read_file(request: contracts.ReadFile) -> contracts.FileChunk:
        return contracts.FileChunk(data=await files.file_piece(
            deps, request.document_id, request.file_id, request.offset, request.length))

    @routes.responder("find_content", contracts.FindContent)
    async def find_content(request: contracts.FindContent) -> contracts.ContentFound:
        holders = await reading.documents_holding(deps, request.sha256)
        return contracts.ContentFound(found=bool(holders), document_ids=holders)

    @routes.responder("stats", contracts.CatalogStatsRequest)
    async def stats(_: contracts.CatalogStatsRequest) -> contracts.CatalogStats:
        return await reading.stats(deps)

    return routes.router


def event_router(runtime: Runtime, deps: Deps) -> NatsRouter:
    """Durable consumers shared by every replica of the catalog."""
    router = NatsRouter()

    async def on_translation(event: CloudEvent) -> None:
        done = JobCompleted.from_cloudevent(event)
        if done.job.subject != "document":
            return  # a session's texts: registration stores those
        try:
            outcome = await incoming.when_translation_is_completed(deps, done)
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
            doc = await incoming.when_portal_publishes(deps, item)
        except Refusal as refusal:
            raise ServiceError(refusal.code, refusal.message) from None
        log.info("document ingested", extra={"document_id": doc["_id"],
                                             "revision": doc["revision"]})

    subscribe(router, runtime, subject=JobCompleted.subject(), stream="TRANSLATE",
              durable=TRANSLATIONS_DURABLE, handler=on_translation)
    subscribe(router, runtime, subject=IngestedDocument.subject(), stream="INGEST",
              durable=INGEST_DURABLE, handler=on_ingest)
    return router
