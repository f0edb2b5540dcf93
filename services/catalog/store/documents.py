"""How documents, their old revisions and the translations received sit in MongoDB.

Times come back with their zone: the embedded stand-in stores a datetime written by `$set` as
a naive string ("2026-11-22 01:24:31.218000"), where MongoDB keeps a UTC datetime; what this
module returns has `updated_at` as an aware datetime either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.catalog.store.listing import (
    CHANGED,
    LISTING_FIELDS,
    listing_fields,
    listing_indexes,
    listing_query,
)
from shared.contracts.catalog.editing import DocumentCriteria
from shared.db import Document, IndexSpec
from shared.outbox import OUTBOX_FIELD, PENDING_FIELD, push_to_outbox, with_pending_marker

DOCUMENTS = "documents"
REVISIONS = "revisions"
"""Old revisions, `_id` = `<document id>:<revision>`: the state a revision had when left."""
TRANSLATIONS = "translations_received"
"""Every completed translation received, by job and revision, with what became of it."""
_STATE_ONLY = {OUTBOX_FIELD: 0, PENDING_FIELD: 0, **{name: 0 for name in LISTING_FIELDS}}
"""A document's state without its pending events (and their marker) and the list's derived
fields."""


class DocumentStore:
    """Documents (current state plus outbox) and their old revisions."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.documents = db[DOCUMENTS]
        self.revisions = db[REVISIONS]

    @staticmethod
    def indexes() -> list[IndexSpec]:
        """Lookups by status, by ingest provenance, of revisions by document, and the
        editors' list (`listing.py`)."""
        return [
            IndexSpec(DOCUMENTS, (("status", 1),)),
            IndexSpec(DOCUMENTS, (("source", 1), ("external_id", 1))),
            IndexSpec(REVISIONS, (("document_id", 1), ("revision", -1))),
            *listing_indexes(DOCUMENTS),
        ]

    async def get(self, document_id: str) -> Document | None:
        """The current state of a document, without its pending events."""
        return _zoned(await self.documents.find_one({"_id": document_id}, _STATE_ONLY))

    async def insert(self, doc: Document, events: Sequence[Document]) -> bool:
        """Store a new document with the events of its creation; False if its id is taken."""
        try:
            await self.documents.insert_one(with_pending_marker(
                {**doc, **listing_fields(doc), OUTBOX_FIELD: list(events)}))
        except DuplicateKeyError:
            return False
        return True

    async def replace_if_unchanged(self, before: Document, after: Document,
                                   events: Sequence[Document]) -> bool:
        """Write `after` and its events in one atomic write, only if nobody wrote since
        `before` was read (its `version`); False means: read again and decide again."""
        # Never the pending marker: only the outbox's writes and its relay set or clear it.
        fields = {k: v for k, v in after.items()
                  if k not in ("_id", OUTBOX_FIELD, PENDING_FIELD)}
        fields.update(listing_fields(after))
        update: dict[str, Any] = {"$set": fields}
        if events:
            update = push_to_outbox(update, events)
        found = await self.documents.find_one_and_update(
            {"_id": before["_id"], "version": before["version"]}, update, {"_id": 1})
        return found is not None

    async def listed(self, criteria: DocumentCriteria, after: str | None,
                     limit: int) -> list[Document]:
        """Up to `limit` documents meeting `criteria`, latest change first, from below the
        position `after`; each with its position in `changed`. Without texts or outbox."""
        found = await self.documents.find(
            listing_query(criteria, after),
            {"body": 0, "summary": 0, "title_terms": 0, "version_states": 0, OUTBOX_FIELD: 0},
        ).sort(CHANGED, -1).limit(limit).to_list()
        return [doc for doc in map(_zoned, found) if doc is not None]

    async def add_missing_listing_fields(self, batch: int = 500) -> int:
        """Give documents stored before the editors' list its fields; how many were given.
        Conditional on `version`: a document written meanwhile got them from its writer."""
        given, round_given = 0, -1
        while round_given != 0:  # a round that gave none: the rest are being written now
            found = await self.documents.find(
                {CHANGED: {"$exists": False}}, _STATE_ONLY).limit(batch).to_list()
            round_given = 0
            for doc in found:
                zoned = _zoned(doc) or doc
                result = await self.documents.update_one(
                    {"_id": doc["_id"], "version": doc["version"]},
                    {"$set": listing_fields(zoned)})
                round_given += result.modified_count
            given += round_given
        return given

    async def keep_revision(self, doc: Document) -> None:
        """Keep the state a revision had as it is left behind (idempotent)."""
        snapshot = {k: v for k, v in doc.items() if k not in ("_id", OUTBOX_FIELD, PENDING_FIELD)}
        key = f"{doc['_id']}:{doc['revision']}"
        snapshot.update(_id=key, document_id=doc["_id"])
        # Only over an older state of the same revision: two writers leaving revision n race
        # here, and a translation may have landed on n between their reads; the later state
        # wins. `_id` is repeated in the replacement: the stand-in's upsert ignores the
        # filter's `_id` and would insert under a new ObjectId (MongoDB takes it from either).
        with contextlib.suppress(DuplicateKeyError):  # a newer state is already kept
            await self.revisions.replace_one({"_id": key, "version": {"$lt": doc["version"]}},
                                             snapshot, upsert=True)

    async def revision(self, document_id: str, revision: int) -> Document | None:
        """An old revision as it was left."""
        found = await self.revisions.find_one({"_id": f"{document_id}:{revision}"})
        if found is not None:
            found["_id"] = document_id
        return _zoned(found)

    async def revisions_before(self, document_id: str, before: int | None,
                               limit: int) -> list[Document]:
        """Old revisions, newest first."""
        query: dict[str, Any] = {"document_id": document_id}
        if before is not None:
            query["revision"] = {"$lt": before}
        found = await self.revisions.find(
            query, {"revision": 1, "status": 1, "updated_at": 1}
        ).sort("revision", -1).limit(limit).to_list()
        return [doc for doc in map(_zoned, found) if doc is not None]

    async def published_facts(self) -> list[Document]:
        """What the statistics count, for every document that was ever published."""
        return await self.documents.find(
            {"status": {"$in": ["published", "withdrawn"]}},
            {"status": 1, "type": 1, "topics": 1, "year": 1, "languages": 1, "title": 1},
        ).to_list()

    async def holding_content(self, sha256: str) -> list[str]:
        """Ids of the documents that have a file with this content."""
        # `$elemMatch` rather than `files.sha256`: the stand-in does not follow dotted paths
        # into arrays.
        found = await self.documents.find(
            {"files": {"$elemMatch": {"sha256": sha256}}}, {"_id": 1}).to_list()
        return [str(doc["_id"]) for doc in found]

    async def record_translation(self, record: Document) -> None:
        """Keep every completed translation received, applied or not (idempotent by job)."""
        await self.documents.database[TRANSLATIONS].replace_one(  # `_id` in both, see above
            {"_id": record["_id"]}, record, upsert=True)


def _zoned(doc: Document | None) -> Document | None:
    """`doc` with its `updated_at` as an aware datetime (see the module docstring)."""
    if doc is None or "updated_at" not in doc:
        return doc
    value = doc["updated_at"]
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return {**doc, "updated_at": moment if moment.tzinfo else moment.replace(tzinfo=UTC)}
