"""Files of documents: uploads in pieces, content checks, dedupe, text extraction, reading."""

from __future__ import annotations

import asyncio
import base64
import binascii

from services.catalog import events
from services.catalog.domain import documents as rules
from services.catalog.domain.errors import Refusal
from services.catalog.domain.files import ALLOWED, file_id_for, sha256_of, sniff
from services.catalog.extract import extract_text
from services.catalog.filestore import FileStore
from services.catalog.handlers import Catalog, Decision
from shared.contracts.catalog import AttachedFile, CommitUpload, FileInfo, UploadPart
from shared.db import Document


class Files:
    """Attach files to documents and read them back."""

    def __init__(self, catalog: Catalog, files: FileStore) -> None:
        self.catalog, self.files = catalog, files

    async def put_part(self, part: UploadPart) -> None:
        """Keep one base64 piece of an upload."""
        try:
            data = base64.b64decode(part.data, validate=True)
        except (binascii.Error, ValueError):
            raise Refusal("invalid", "an upload piece is not base64") from None
        await self.files.put_part(part.upload_id, part.index, data, self.catalog.clock())

    async def commit(self, request: CommitUpload) -> AttachedFile:
        """Check the assembled content, store it once, extract its text, attach it."""
        doc = await self.editable(request.document_id)
        try:
            data = await self.files.assemble(request.upload_id, request.parts)
        finally:
            await self.files.drop_parts(request.upload_id)
        content_type = sniff(data, request.name)
        if content_type is None:
            raise Refusal("invalid", "this kind of file is not accepted; allowed: "
                          "PDF, DOCX, PPTX, ODT, TXT, Markdown, MP4, MP3",
                          {"allowed": list(ALLOWED)})
        sha256 = sha256_of(data)
        file_id = file_id_for(doc["_id"], sha256)
        entry: Document = {"file_id": file_id, "name": request.name,
                 "content_type": content_type, "size": len(data), "sha256": sha256}
        if any(f["file_id"] == entry["file_id"] for f in doc["files"]):
            return AttachedFile(**self.attached(doc, file_id), duplicate=True,
                                text_extracted=False)
        await self.files.store_blob(sha256, data, content_type)
        text = await asyncio.to_thread(extract_text, data, content_type)
        if text:
            await self.files.save_text(file_id, doc["_id"], text)

        def decide(current: Document) -> Decision:
            if any(f["file_id"] == entry["file_id"] for f in current["files"]):
                return None
            after = rules.with_file(current, entry, self.catalog.clock())
            return after, [events.revised(after)] if rules.makes_revision(current) else []

        await self.catalog.update(doc["_id"], decide)
        return AttachedFile(**entry, duplicate=False, text_extracted=bool(text))

    async def editable(self, document_id: str) -> Document:
        doc = await self.catalog.store.get(document_id)
        if doc is None:
            raise Refusal("not_found", f"there is no document {document_id!r}")
        if not rules.is_editable(doc):
            raise Refusal("gone", "the document was withdrawn; it cannot change")
        return doc

    def attached(self, doc: Document, file_id: str) -> Document:
        for entry in doc["files"]:
            if entry["file_id"] == file_id:
                return dict(entry)
        raise Refusal("not_found", f"document {doc['_id']!r} has no file {file_id!r}")

    async def info(self, public: Document, file_id: str) -> FileInfo:
        """A file of a readable document."""
        return FileInfo.model_validate(self.attached(public, file_id))

    async def read(self, public: Document, file_id: str, offset: int, length: int) -> str:
        """A base64 piece of a file of a readable document."""
        entry = self.attached(public, file_id)
        if offset >= entry["size"]:
            return ""
        return base64.b64encode(await self.files.read(entry["sha256"], offset, length)).decode()
