"""The only place search and harvesting read MongoDB: the catalog's `documents` and
`file_texts`, read only (the catalog's own store writes them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.catalog.search.oai.protocol import Selection
from shared.db import Document, IndexSpec
from shared.reference import TOPICS

DOCUMENTS = "documents"
FILE_TEXTS = "file_texts"
_SKIP = {"outbox": 0, "title_terms": 0, "version_states": 0}
"""Pending events and the editors' list's derived fields are no concern of search."""
_HARVESTABLE = {"status": {"$in": ["published", "withdrawn"]}}
_SKIP_IN_HARVEST = {**_SKIP, "body": 0}


class SearchStore:
    """What the index is built from and what OAI-PMH harvesters are given."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.documents = db[DOCUMENTS]
        self.file_texts = db[FILE_TEXTS]

    @staticmethod
    def indexes() -> list[IndexSpec]:
        """Documents by status, extracted texts by document."""
        return [IndexSpec(DOCUMENTS, (("status", 1),)),
                IndexSpec(FILE_TEXTS, (("document_id", 1),))]

    async def published_batches(self, size: int = 2_000) -> AsyncIterator[list[Document]]:
        """Every published document, in batches of `size`."""
        batch: list[Document] = []
        async for document in self.documents.find({"status": "published"}, _SKIP,
                                                  batch_size=size):
            batch.append(document)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    async def documents_by_id(self, ids: Iterable[str]) -> dict[str, Document]:
        wanted = list(dict.fromkeys(ids))
        found = await self.documents.find({"_id": {"$in": wanted}}, _SKIP).to_list()
        return {str(document["_id"]): document for document in found}

    async def file_texts_by_document(self, document_ids: Iterable[str] | None = None
                                     ) -> dict[str, list[str]]:
        """Extracted text of each document's files (all documents when `document_ids` is None)."""
        query: dict[str, Any] = {} if document_ids is None else {
            "document_id": {"$in": list(document_ids)}}
        texts: dict[str, list[str]] = defaultdict(list)
        async for row in self.file_texts.find(query).sort("_id", 1):
            if isinstance(row.get("text"), str):
                texts[str(row.get("document_id"))].append(row["text"])
        return dict(texts)

    async def harvest_page(self, selection: Selection, limit: int) -> list[Document]:
        """Up to `limit` published or withdrawn documents of the selection after
        `selection.after_id`, in id order."""
        query: dict[str, Any] = {**_HARVESTABLE, **_set_filter(selection.set_spec)}
        moments: dict[str, datetime] = {}
        if selection.since:
            moments["$gte"] = selection.since
        if selection.until:
            moments["$lte"] = selection.until
        if moments:
            query["updated_at"] = moments
        if selection.after_id is not None:
            query["_id"] = {"$gt": selection.after_id}
        return await self.documents.find(query, _SKIP_IN_HARVEST).sort("_id", 1).limit(
            limit).to_list()

    async def harvestable(self, document_id: str) -> Document | None:
        """A published or withdrawn document."""
        return await self.documents.find_one({"_id": document_id, **_HARVESTABLE},
                                             _SKIP_IN_HARVEST)

    async def earliest_update(self) -> datetime | None:
        """When the least recently changed harvestable document last changed."""
        first = await self.documents.find_one(_HARVESTABLE, {"updated_at": 1},
                                              sort=[("updated_at", 1)])
        moment = first.get("updated_at") if first else None
        return moment if isinstance(moment, datetime) else None


def _set_filter(set_spec: str | None) -> dict[str, Any]:
    """`type`, `type:<code>`, `topic`, `topic:<code>`; any other set matches nothing."""
    if set_spec is None or set_spec == "type":
        return {}
    if set_spec == "topic":
        return {"topics": {"$in": [topic.code for topic in TOPICS]}}
    kind, _, code = set_spec.partition(":")
    if kind == "type" and code:
        return {"type": code}
    if kind == "topic" and code:
        return {"topics": code}
    return {"_id": {"$in": []}}
