"""`rpc.catalog.*`: parse, call a handler, reply. Refusals become typed error replies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from faststream.nats import NatsRouter
from pydantic import BaseModel

from services.catalog.domain.documents import ensure_readable
from services.catalog.domain.errors import Refusal
from services.catalog.handlers import Catalog
from services.catalog.stats import catalog_stats
from services.catalog.uploads import Files
from services.catalog.views import document_view, revision_info
from shared.bus import RpcRoutes, ServiceError
from shared.contracts.catalog import (
    AttachedFile,
    CatalogStats,
    CatalogStatsRequest,
    ChangeDocument,
    CommitUpload,
    ContentFound,
    CreateDocument,
    DocumentAction,
    DocumentView,
    FileChunk,
    FileInfo,
    FindContent,
    GetDocument,
    GetFile,
    ListRevisions,
    PartStored,
    ReadFile,
    RevisionList,
    UploadPart,
)
from shared.db import Document

Request = TypeVar("Request", bound=BaseModel)
Reply = TypeVar("Reply", bound=BaseModel)


def refusals_replied(fn: Callable[[Request], Awaitable[Reply | None]]
                     ) -> Callable[[Request], Awaitable[Reply | None]]:
    """Turn the rules' refusals into the bus's error replies."""
    async def answer(request: Request) -> Reply | None:
        try:
            return await fn(request)
        except Refusal as refusal:
            raise ServiceError(refusal.code, refusal.message, refusal.details) from None
    answer.__name__ = fn.__name__
    return answer


def catalog_routes(catalog: Catalog, files: Files) -> NatsRouter:
    """Every `rpc.catalog.*` responder except search's."""
    routes = RpcRoutes("catalog")
    store = catalog.store

    async def readable(document_id: str, include_drafts: bool = False) -> Document:
        return ensure_readable(await store.get(document_id), document_id, include_drafts)

    @routes.responder("create", CreateDocument)
    @refusals_replied
    async def create(request: CreateDocument) -> DocumentView:
        fields = request.draft.model_dump(exclude_none=True)
        return document_view(await catalog.create(fields, request.editor), None)

    @routes.responder("change", ChangeDocument)
    @refusals_replied
    async def change(request: ChangeDocument) -> DocumentView:
        changes = request.changes.model_dump(exclude_none=True)
        return document_view(await catalog.change(request.document_id, changes,
                                                  request.editor), None)

    @routes.responder("publish", DocumentAction)
    @refusals_replied
    async def publish(request: DocumentAction) -> DocumentView:
        return document_view(await catalog.publish(request.document_id), None)

    @routes.responder("withdraw", DocumentAction)
    @refusals_replied
    async def withdraw(request: DocumentAction) -> DocumentView:
        return document_view(await catalog.withdraw(request.document_id, request.reason), None)

    @routes.responder("get", GetDocument)
    @refusals_replied
    async def get(request: GetDocument) -> DocumentView:
        doc = await readable(request.document_id, request.include_drafts)
        if request.revision is not None and request.revision != doc["revision"]:
            old = await store.revision(request.document_id, request.revision)
            if old is None:
                raise Refusal("not_found", f"there is no revision {request.revision}")
            doc = old
        return document_view(doc, request.lang)

    @routes.responder("revisions", ListRevisions)
    @refusals_replied
    async def revisions(request: ListRevisions) -> RevisionList:
        doc = await readable(request.document_id)
        items = [] if request.before and request.before <= doc["revision"] else [
            revision_info(doc, current=True)]
        old = await store.revisions_before(doc["_id"], request.before,
                                           request.limit - len(items) + 1)
        items += [revision_info({**r, "_id": doc["_id"]}, current=False) for r in old]
        more = len(items) > request.limit
        items = items[:request.limit]
        return RevisionList(items=items, next_before=items[-1].revision if more else None)

    @routes.responder("upload_part", UploadPart)
    @refusals_replied
    async def upload_part(request: UploadPart) -> PartStored:
        await files.put_part(request)
        return PartStored(index=request.index)

    @routes.responder("commit_upload", CommitUpload)
    @refusals_replied
    async def commit_upload(request: CommitUpload) -> AttachedFile:
        return await files.commit(request)

    @routes.responder("file_info", GetFile)
    @refusals_replied
    async def file_info(request: GetFile) -> FileInfo:
        return await files.info(await readable(request.document_id), request.file_id)

    @routes.responder("read_file", ReadFile)
    @refusals_replied
    async def read_file(request: ReadFile) -> FileChunk:
        doc = await readable(request.document_id)
        return FileChunk(data=await files.read(doc, request.file_id, request.offset,
                                               request.length))

    @routes.responder("find_content", FindContent)
    @refusals_replied
    async def find_content(request: FindContent) -> ContentFound:
        holders = await store.holding_content(request.sha256)
        return ContentFound(found=bool(holders), document_ids=holders)

    @routes.responder("stats", CatalogStatsRequest)
    @refusals_replied
    async def stats(_: CatalogStatsRequest) -> CatalogStats:
        return catalog_stats(await store.published_facts())

    return routes.router
