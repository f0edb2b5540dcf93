"""Routes of the catalog's documents: drafts, changes, publishing, reading in a language,
revisions, and the repository's statistics. Files attached to documents: `files.py`."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.types import ControllerRouterHandler
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.auth import SECURITY, provide_caller, requires_role
from services.gateway.context import Gateway
from services.gateway.keys import ApiKey
from services.gateway.pages import DEFAULT_LIMIT, MAX_LIMIT, Page
from services.gateway.problems import problem, problem_responses
from services.gateway.routes import document_desk, materials
from services.gateway.routes.catalog_docs import (
    DOCUMENT_CHANGES,
    DOCUMENT_DRAFT,
    DOCUMENT_LINKS,
    WITHDRAWAL,
    CountriesBody,
    SourceTitledBody,
)
from services.gateway.routes.ids import DocumentId
from services.gateway.routes.openapi_docs import JsonBody, operation
from shared.contracts.catalog.editing import EditingView
from shared.contracts.catalog.rpc import (
    CatalogStats,
    CatalogStatsRequest,
    ChangeDocument,
    CreateDocument,
    DocumentAction,
    DocumentChanges,
    DocumentDraft,
    DocumentView,
    GetDocument,
    ListRevisions,
    RevisionInfo,
    RevisionList,
)
from shared.reference import LanguageCode

EDITORS = [requires_role("editor", "secretariat")]
CALLER = {"caller": Provide(provide_caller)}
WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 410, 422, 503)
REVISION_CURSOR = r"^[1-9][0-9]{0,8}$"
"""A revisions page's cursor: the revision number the next page starts below. Plain, so
that the document states exactly which cursors there are (every one it allows is a place)."""


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, max_length=1_000)


@post("/documents", summary="Create a draft document", guards=EDITORS, security=SECURITY,
      dependencies=CALLER, status_code=201, responses=WRITE_PROBLEMS,
      operation_class=operation(SourceTitledBody(DocumentDraft, DOCUMENT_DRAFT, stripped=True),
                                links=DOCUMENT_LINKS))
async def create_document(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                          data: JSONBody[DocumentDraft]) -> DocumentView:
    """A draft; `title` must hold the source language. Publish it to make it public."""
    request = CreateDocument(draft=data, editor=caller.id)
    return await gateway.call("catalog", "create", request, DocumentView)


@patch("/documents/{document_id:str}", summary="Change a document", guards=EDITORS,
       security=SECURITY, dependencies=CALLER, responses=WRITE_PROBLEMS,
       operation_class=operation(CountriesBody(DocumentChanges, DOCUMENT_CHANGES,
                                               stripped=True)))
async def change_document(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                          document_id: DocumentId, data: JSONBody[DocumentChanges]
                          ) -> DocumentView:
    """Set metadata or texts; a published document gets a new revision."""
    request = ChangeDocument(document_id=document_id, changes=data, editor=caller.id)
    return await gateway.call("catalog", "change", request, DocumentView)


@post("/documents/{document_id:str}/publish", summary="Publish a draft", guards=EDITORS,
      security=SECURITY, dependencies=CALLER, status_code=200, responses=WRITE_PROBLEMS)
async def publish_document(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                           document_id: DocumentId) -> DocumentView:
    """Make the draft public; translation of missing languages is requested by event."""
    request = DocumentAction(document_id=document_id, editor=caller.id)
    return await gateway.call("catalog", "publish", request, DocumentView)


@post("/documents/{document_id:str}/withdraw", summary="Withdraw a document", guards=EDITORS,
      security=SECURITY, dependencies=CALLER, status_code=200, responses=WRITE_PROBLEMS,
      operation_class=operation(JsonBody(Withdrawal, WITHDRAWAL, required=False)))
async def withdraw_document(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                            document_id: DocumentId,
                            data: JSONBody[Withdrawal | None] = None) -> DocumentView:
    """Take it down; it then answers 410 with its metadata."""
    request = DocumentAction(document_id=document_id, editor=caller.id,
                             reason=data.reason if data else None)
    return await gateway.call("catalog", "withdraw", request, DocumentView)


@get("/documents/{document_id:str}", summary="Read a document", responses=problem_responses(
     404, 410, 422, 503))
async def get_document(
    gateway: NamedDependency[Gateway], document_id: DocumentId,
    lang: Annotated[LanguageCode | None, QueryParameter()] = None,
) -> Response[DocumentView]:
    """In `lang` if readable in it, else in its source language (`served_language` says which,
    and `Content-Language` too). A withdrawn document answers 410 with its `tombstone`."""
    request = GetDocument(document_id=document_id, lang=lang)
    view = await gateway.call("catalog", "get", request, DocumentView)
    return Response(view, headers={"Content-Language": view.served_language})


@get("/documents/{document_id:str}/editing", summary="A document as editors see it",
     guards=EDITORS, security=SECURITY, responses=problem_responses(401, 403, 404, 410, 503))
async def get_for_editing(
    gateway: NamedDependency[Gateway], document_id: DocumentId,
    lang: Annotated[LanguageCode | None, QueryParameter()] = None,
) -> EditingView:
    """Like the public read, drafts included, with every language's texts (`texts`) and who
    wrote each language version (`languages.*.produced_by`), to fill an edit form."""
    request = GetDocument(document_id=document_id, lang=lang, include_drafts=True)
    return await gateway.call("catalog", "editing", request, EditingView)


@get("/documents/{document_id:str}/revisions", summary="A document's revisions",
     responses=problem_responses(400, 404, 410, 503))
async def list_revisions(
    gateway: NamedDependency[Gateway], document_id: DocumentId,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, QueryParameter(pattern=REVISION_CURSOR, description=(
        "The `next_cursor` of the previous page (the revision it starts below); none for the "
        "first page."))] = None,
) -> Page[RevisionInfo]:
    """Newest first; each one is readable at `/documents/{id}/revisions/{revision}`."""
    before = int(cursor) if cursor else None  # the pattern allows only a revision number
    request = ListRevisions(document_id=document_id, limit=limit, before=before)
    page = await gateway.call("catalog", "revisions", request, RevisionList)
    after = str(page.next_before) if page.next_before is not None else None
    return Page[RevisionInfo](items=page.items, next_cursor=after)


@get("/documents/{document_id:str}/revisions/{revision:int}", summary="One revision",
     responses=problem_responses(404, 410, 422, 503))
async def get_revision(
    gateway: NamedDependency[Gateway], document_id: DocumentId, revision: FromPath[int],
    lang: Annotated[LanguageCode | None, QueryParameter()] = None,
) -> DocumentView:
    """A revision as it was when the next one replaced it."""
    if revision < 1:
        raise problem(404, f"There is no revision {revision}.")
    request = GetDocument(document_id=document_id, lang=lang, revision=revision)
    return await gateway.call("catalog", "get", request, DocumentView)


@get("/stats/catalog", summary="Repository statistics", guards=EDITORS, security=SECURITY,
     responses=problem_responses(401, 403, 503))
async def catalog_stats(gateway: NamedDependency[Gateway]) -> CatalogStats:
    """Published documents by type, topic, year and language; how many read in es and en."""
    return await gateway.call("catalog", "stats", CatalogStatsRequest(), CatalogStats)


PUBLIC_HANDLERS: list[ControllerRouterHandler] = [
    get_document, list_revisions, get_revision,
    # Guarded by its own role; it sits here because one router must own both methods of
    # `/documents/{id}` (Litestar adds one OPTIONS handler per path and router).
    change_document,
    # A session's materials are documents: listed publicly, attached (guarded by its own
    # role) on the same path.
    *materials.HANDLERS]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [
    create_document, document_desk.list_documents, get_for_editing, publish_document,
    withdraw_document, catalog_stats]
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
