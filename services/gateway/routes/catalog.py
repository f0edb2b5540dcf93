"""Routes of the catalog service: documents, their revisions and files, repository statistics.

Files travel through the bus in pieces (a NATS message is at most about 1 MiB): an upload is
sent as base64 pieces and then committed; a download reads ranges by RPC and streams them.
The gateway never reads the catalog's database.
"""

from __future__ import annotations

import asyncio
import base64
import re
import secrets
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, PathParameter, QueryParameter
from litestar.response import Stream
from litestar.types import ControllerRouterHandler
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.auth import SECURITY, provide_caller, requires_role
from services.gateway.context import Gateway
from services.gateway.keys import ApiKey
from services.gateway.pages import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor
from services.gateway.problems import problem, problem_responses
from shared.bus import call
from shared.contracts.catalog import (
    AttachedFile,
    CatalogStats,
    CatalogStatsRequest,
    ChangeDocument,
    CommitUpload,
    CreateDocument,
    DocumentAction,
    DocumentChanges,
    DocumentDraft,
    DocumentView,
    FileChunk,
    FileInfo,
    GetDocument,
    GetFile,
    ListRevisions,
    PartStored,
    ReadFile,
    RevisionInfo,
    RevisionList,
    UploadPart,
)
from shared.reference import LanguageCode

ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,100}$"
DocumentId = Annotated[str, PathParameter(pattern=ID_PATTERN, description="A document's id.")]
FileId = Annotated[str, PathParameter(pattern=ID_PATTERN, description="A file's id.")]
EDITORS = [requires_role("editor", "secretariat")]
CALLER = {"caller": Provide(provide_caller)}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PIECE = 192 * 1024
"""Bytes per upload piece: base64 makes it 256 KiB, well inside one NATS message."""
READ_PIECE = 261_120
"""One GridFS chunk per piece when the range starts at a chunk boundary."""
READ_AHEAD = 3
COMMIT_TIMEOUT = 30.0
SHOWN_INLINE = frozenset({"application/pdf", "video/mp4", "audio/mpeg"})
"""Types a browser shows without running anything in our origin; other files (text, which a
browser may take for HTML, and office documents) are downloaded as attachments."""
WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 410, 422, 503)


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, max_length=1_000)


@post("/documents", summary="Create a draft document", guards=EDITORS, security=SECURITY,
      dependencies=CALLER, status_code=201, responses=WRITE_PROBLEMS)
async def create_document(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                          data: JSONBody[DocumentDraft]) -> DocumentView:
    """A draft; `title` must hold the source language. Publish it to make it public."""
    request = CreateDocument(draft=data, editor=caller.id)
    return await gateway.call("catalog", "create", request, DocumentView)


@patch("/documents/{document_id:str}", summary="Change a document", guards=EDITORS,
       security=SECURITY, dependencies=CALLER, responses=WRITE_PROBLEMS)
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
      security=SECURITY, dependencies=CALLER, status_code=200, responses=WRITE_PROBLEMS)
async def withdraw_document(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                            document_id: DocumentId,
                            data: JSONBody[Withdrawal | None] = None) -> DocumentView:
    """Take it down; it then answers 410 with its metadata."""
    request = DocumentAction(document_id=document_id, editor=caller.id,
                             reason=data.reason if data else None)
    return await gateway.call("catalog", "withdraw", request, DocumentView)


@post("/documents/{document_id:str}/files", summary="Attach a file", guards=EDITORS,
      security=SECURITY, dependencies=CALLER, status_code=201,
      request_max_body_size=MAX_UPLOAD_BYTES + 65_536,
      responses=problem_responses(401, 403, 404, 410, 413, 422, 503))
async def upload_file(
    gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
    document_id: DocumentId,
    data: Annotated[dict[str, UploadFile], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> AttachedFile:
    """Multipart field `file`: PDF, DOCX, PPTX, ODT, TXT, Markdown, MP4 or MP3 (checked by
    content), at most 20 MiB. The same content again answers `duplicate: true`."""
    upload = data.get("file") if isinstance(data, dict) else None
    if not isinstance(upload, UploadFile):
        raise problem(422, "Send the file in the multipart field `file`.", kind="invalid-request",
                      extensions={"errors": [{"source": "file", "message": "missing"}]})
    upload_id, index = "up_" + secrets.token_hex(12), 0
    while piece := await upload.read(PIECE):
        part = UploadPart(upload_id=upload_id, index=index,
                          data=base64.b64encode(piece).decode())
        await gateway.call("catalog", "upload_part", part, PartStored)
        index += 1
    if index == 0:
        raise problem(422, "The file is empty.", kind="invalid-request",
                      extensions={"errors": [{"source": "file", "message": "empty"}]})
    name = "".join(c for c in upload.filename or "" if c.isprintable()).strip()[-200:] or "file"
    commit = CommitUpload(upload_id=upload_id, document_id=document_id, name=name,
                          parts=index, editor=caller.id)
    # Checking, storing and extracting the text of a large PDF takes longer than a usual reply.
    return await call(gateway.broker, "rpc.catalog.commit_upload", commit, AttachedFile,
                      timeout=max(gateway.settings.rpc_timeout, COMMIT_TIMEOUT))


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
) -> DocumentView:
    """Like the public read, drafts included."""
    request = GetDocument(document_id=document_id, lang=lang, include_drafts=True)
    return await gateway.call("catalog", "get", request, DocumentView)


@get("/documents/{document_id:str}/revisions", summary="A document's revisions",
     responses=problem_responses(400, 404, 410, 503))
async def list_revisions(
    gateway: NamedDependency[Gateway], document_id: DocumentId,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, QueryParameter()] = None,
) -> Page[RevisionInfo]:
    """Newest first; each one is readable at `/documents/{id}/revisions/{revision}`."""
    try:
        before = int(decode_cursor(cursor)) if cursor else None
        if before is not None and before < 1:
            raise ValueError("not a revision")
    except ValueError:
        raise problem(400, "The cursor is not one this API gave out.") from None
    request = ListRevisions(document_id=document_id, limit=limit, before=before)
    page = await gateway.call("catalog", "revisions", request, RevisionList)
    after = str(page.next_before) if page.next_before is not None else None
    return Page[RevisionInfo](items=page.items, next_cursor=encode_cursor(after))


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


@get("/documents/{document_id:str}/files/{file_id:str}", summary="Download a file",
     responses=problem_responses(404, 410, 416, 503))
async def download_file(
    gateway: NamedDependency[Gateway], request: Request[Any, Any, Any],
    document_id: DocumentId, file_id: FileId,
) -> Response[bytes] | Stream:
    """Streamed with Content-Length and ETag; `Range: bytes=a-b` answers 206."""
    info = await gateway.call("catalog", "file_info",
                              GetFile(document_id=document_id, file_id=file_id), FileInfo)
    etag = f'"{info.sha256}"'
    disposition = "inline" if info.content_type in SHOWN_INLINE else "attachment"
    headers = {"ETag": etag, "Accept-Ranges": "bytes", "Cache-Control": "public, max-age=300",
               "X-Content-Type-Options": "nosniff",
               "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(info.name)}"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers=headers)
    wanted = request.headers.get("range")
    if wanted and request.headers.get("if-range", etag) != etag:
        wanted = None  # the client's copy is of other content: send the whole file
    span = byte_range(wanted, info.size) if wanted else None
    if span == "unsatisfiable":
        raise problem(416, f"The file has {info.size} bytes.",
                      headers={"Content-Range": f"bytes */{info.size}"})
    start, end = span if isinstance(span, tuple) else (0, info.size - 1)
    headers["Content-Length"] = str(end - start + 1)
    if isinstance(span, tuple):
        headers["Content-Range"] = f"bytes {start}-{end}/{info.size}"
    pieces = read_pieces(gateway, document_id, file_id, start, end)
    return Stream(pieces, media_type=info.content_type, headers=headers,
                  status_code=206 if isinstance(span, tuple) else 200)


async def read_pieces(gateway: Gateway, document_id: str, file_id: str, start: int,
                      end: int) -> AsyncIterator[bytes]:
    """Bytes start..end (inclusive), read from the catalog a piece at a time, with a few
    pieces requested ahead so that the bus round trips overlap."""
    offsets = list(range(start, end + 1, READ_PIECE))

    async def piece(offset: int) -> bytes:
        request = ReadFile(document_id=document_id, file_id=file_id, offset=offset,
                           length=min(READ_PIECE, end - offset + 1))
        return base64.b64decode((await gateway.call("catalog", "read_file", request,
                                                    FileChunk)).data)

    ahead: list[asyncio.Task[bytes]] = []
    try:
        for offset in offsets:
            ahead.append(asyncio.create_task(piece(offset)))
            if len(ahead) >= READ_AHEAD:
                yield await ahead.pop(0)
        while ahead:
            yield await ahead.pop(0)
    finally:
        for task in ahead:  # the client went away: stop asking
            task.cancel()


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(first, last) of a single `bytes=` range; None to ignore it (several ranges, another
    unit, malformed: RFC 9110 lets a server send the whole file); "unsatisfiable" for 416."""
    match = _RANGE.match(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        return (max(size - suffix, 0), size - 1) if suffix > 0 and size > 0 else "unsatisfiable"
    start = int(first)
    stop = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return "unsatisfiable" if start >= size else None
    return start, stop


@get("/stats/catalog", summary="Repository statistics", guards=EDITORS, security=SECURITY,
     responses=problem_responses(401, 403, 503))
async def catalog_stats(gateway: NamedDependency[Gateway]) -> CatalogStats:
    """Published documents by type, topic, year and language; how many read in es and en."""
    return await gateway.call("catalog", "stats", CatalogStatsRequest(), CatalogStats)


PUBLIC_HANDLERS: list[ControllerRouterHandler] = [
    get_document, list_revisions, get_revision, download_file,
    # Guarded by its own role; it sits here because one router must own both methods of
    # `/documents/{id}` (Litestar adds one OPTIONS handler per path and router).
    change_document]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [
    create_document, get_for_editing, publish_document, withdraw_document, upload_file,
    catalog_stats]
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
