"""Files of documents: uploads in pieces, content checks, dedupe, text extraction, reading."""

from __future__ import annotations

import asyncio
import base64
import binascii
from datetime import timedelta

from services.catalog import events
from services.catalog.domain import documents as rules
from services.catalog.domain.errors import Refusal
from services.catalog.domain.files import ALLOWED, file_id_for, sha256_of, sniff
from services.catalog.extract import extract_text
from services.catalog.handlers import Decision, Deps, update_document
from services.catalog.handlers.reading import readable
from shared.contracts.catalog.rpc import AttachedFile, CommitUpload, FileInfo, UploadPart
from shared.db import Document


async def keep_upload_piece(deps: Deps, part: UploadPart) -> None:
    """Keep one base64 piece of an upload."""
    try:
        data = base64.b64decode(part.data, validate=True)
    except (binascii.Error, ValueError):
        raise Refusal("invalid", "an upload piece is not base64") from None
    await deps.files.put_part(part.upload_id, part.index, data, deps.clock())


async def attach_upload(deps: Deps, request: CommitUpload) -> AttachedFile:
    """Check the assembled content, store it once, extract its text, attach it."""
    doc = await _editable(deps, request.document_id)
    data, content_type = await _assembled(deps, request)
    sha256 = sha256_of(data)
    file_id = file_id_for(doc["_id"], sha256)
    entry: Document = {"file_id": file_id, "name": request.name,
                       "content_type": content_type, "size": len(data), "sha256": sha256}
    if rules.has_file(doc, file_id):
        return AttachedFile(**_attached(doc, file_id), duplicate=True, text_extracted=False)
    await deps.files.store_blob(sha256, data, content_type)
    text = await asyncio.to_thread(extract_text, data, content_type)
    if text:
        await deps.files.save_text(file_id, doc["_id"], text)

    def decide(current: Document) -> Decision:
        if rules.has_file(current, file_id):
            return None
        after = rules.with_file(current, entry, deps.clock())
        return after, [events.revised(after)] if rules.makes_revision(current) else []

    await update_document(deps, doc["_id"], decide)
    return AttachedFile(**entry, duplicate=False, text_extracted=bool(text))


async def _assembled(deps: Deps, request: CommitUpload) -> tuple[bytes, str]:
    """The upload's content and its type, its pieces forgotten either way."""
    try:
        data = await deps.files.assemble(request.upload_id, request.parts)
    finally:
        await deps.files.drop_parts(request.upload_id)
    content_type = sniff(data, request.name)
    if content_type is None:
        raise Refusal("invalid", "this kind of file is not accepted; allowed: "
                      "PDF, DOCX, PPTX, ODT, TXT, Markdown, MP4, MP3",
                      {"allowed": list(ALLOWED)})
    return data, content_type


async def file_info(deps: Deps, document_id: str, file_id: str) -> FileInfo:
    """A file of a readable document."""
    return FileInfo.model_validate(_attached(await readable(deps, document_id), file_id))


async def file_piece(deps: Deps, document_id: str, file_id: str, offset: int,
                     length: int) -> str:
    """A base64 piece of a file of a readable document."""
    entry = _attached(await readable(deps, document_id), file_id)
    if offset >= entry["size"]:
        return ""
    return base64.b64encode(await deps.files.read(entry["sha256"], offset, length)).decode()


async def drop_abandoned_uploads(deps: Deps, older_than: timedelta) -> int:
    """Forget the pieces of uploads started longer ago than `older_than` and never committed
    (a client that went away); how many pieces went."""
    return await deps.files.drop_abandoned_parts(deps.clock() - older_than)


async def _editable(deps: Deps, document_id: str) -> Document:
    doc = await deps.store.get(document_id)
    if doc is None:
        raise Refusal("not_found", f"there is no document {document_id!r}")
    if not rules.is_editable(doc):
        raise Refusal("gone", "the document was withdrawn; it cannot change")
    return doc


def _attached(doc: Document, file_id: str) -> Document:
    for entry in doc["files"]:
        if entry["file_id"] == file_id:
            return dict(entry)
    raise Refusal("not_found", f"document {doc['_id']!r} has no file {file_id!r}")
