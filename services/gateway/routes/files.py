"""Routes of the files attached to catalog documents: upload and download.

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

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Stream
from litestar.types import ControllerRouterHandler

from services.gateway.auth import SECURITY
from services.gateway.context import Gateway
from services.gateway.keys import ApiKey
from services.gateway.problems import problem, problem_responses
from services.gateway.routes.catalog_docs import file_upload
from services.gateway.routes.documents import CALLER, EDITORS
from services.gateway.routes.ids import DocumentId, FileId
from shared.bus import call
from shared.contracts.catalog.rpc import (
    AttachedFile,
    CommitUpload,
    FileChunk,
    FileInfo,
    GetFile,
    PartStored,
    ReadFile,
    UploadPart,
)

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


@post("/documents/{document_id:str}/files", summary="Attach a file", guards=EDITORS,
      security=SECURITY, dependencies=CALLER, status_code=201,
      request_max_body_size=MAX_UPLOAD_BYTES + 65_536,
      responses=problem_responses(401, 403, 404, 410, 413, 422, 503),
      operation_class=file_upload("PDF, DOCX, PPTX, ODT, TXT, Markdown, MP4 or MP3 (its kind "
                                  "is read from its content), at most 20 MiB."))
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
    attached = await store_upload(gateway, document_id, upload, caller.id)
    if attached is None:
        raise problem(422, "The file is empty.", kind="invalid-request",
                      extensions={"errors": [{"source": "file", "message": "empty"}]})
    return attached


async def store_upload(gateway: Gateway, document_id: str, upload: UploadFile,
                       editor: str | None) -> AttachedFile | None:
    """Send the upload to the catalog in pieces and commit it to the document; None when it
    held no bytes (nothing is stored). The API route and the editors' page both attach
    files through here, so the two cannot drift apart."""
    upload_id, index = "up_" + secrets.token_hex(12), 0
    while piece := await upload.read(PIECE):
        part = UploadPart(upload_id=upload_id, index=index,
                          data=base64.b64encode(piece).decode())
        await gateway.call("catalog", "upload_part", part, PartStored)
        index += 1
    if index == 0:
        return None
    name = "".join(c for c in upload.filename or "" if c.isprintable()).strip()[-200:] or "file"
    commit = CommitUpload(upload_id=upload_id, document_id=document_id, name=name,
                          parts=index, editor=editor)
    # Checking, storing and extracting the text of a large PDF takes longer than a usual reply.
    return await call(gateway.broker, "rpc.catalog.commit_upload", commit, AttachedFile,
                      timeout=max(gateway.options.rpc_timeout, COMMIT_TIMEOUT))


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


PUBLIC_HANDLERS: list[ControllerRouterHandler] = [download_file]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [upload_file]
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
