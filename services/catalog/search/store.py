"""The only place search reads MongoDB: the catalog's `documents` and `file_texts`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from shared.db import Document

DOCUMENTS = "documents"
FILE_TEXTS = "file_texts"
_SKIP = {"outbox": 0}


async def published_batches(db: AsyncDatabase[Document],
                            size: int = 2_000) -> AsyncIterator[list[Document]]:
    """Every published document, in batches of `size`."""
    batch: list[Document] = []
    async for document in db[DOCUMENTS].find({"status": "published"}, _SKIP, batch_size=size):
        batch.append(document)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


async def documents_by_id(db: AsyncDatabase[Document], ids: Iterable[str]) -> dict[str, Document]:
    wanted = list(dict.fromkeys(ids))
    found = await db[DOCUMENTS].find({"_id": {"$in": wanted}}, _SKIP).to_list()
    return {str(document["_id"]): document for document in found}


async def file_texts_by_document(db: AsyncDatabase[Document],
                                 document_ids: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Extracted text of each document's files (all documents when `document_ids` is None)."""
    query: dict[str, Any] = {} if document_ids is None else {
        "document_id": {"$in": list(document_ids)}}
    texts: dict[str, list[str]] = defaultdict(list)
    async for row in db[FILE_TEXTS].find(query).sort("_id", 1):
        if isinstance(row.get("text"), str):
            texts[str(row.get("document_id"))].append(row["text"])
    return dict(texts)
