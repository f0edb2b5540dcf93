"""What the catalog does for each command and event: load, decide (domain), save with outbox."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.catalog import events
from services.catalog.domain import documents as rules
from services.catalog.domain.errors import Refusal
from services.catalog.domain.translations import (
    translated,
    translation_outcome,
    translation_status,
)
from services.catalog.ids import new_id
from services.catalog.store import DocumentStore
from shared.contracts.catalog import IngestedDocument
from shared.contracts.events import Event
from shared.contracts.translate import JobCompleted
from shared.db import Document

Decision = tuple[Document, list[Event]] | None
ATTEMPTS = 8


def now_utc() -> datetime:
    return datetime.now(UTC)


class Catalog:
    """Documents' commands and the events the catalog consumes."""

    def __init__(self, store: DocumentStore, kick: Callable[[], None],
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.store, self.kick, self.clock = store, kick, clock

    async def create(self, fields: dict[str, Any], editor: str | None) -> Document:
        """A new draft."""
        now = self.clock()
        doc = rules.new_document(new_id("doc_", now), fields, now, editor)
        await self.store.insert(doc, [])
        return doc

    async def change(self, document_id: str, changes: dict[str, Any],
                     editor: str | None) -> Document:
        """Edit metadata or texts; a published document gets a new revision."""
        def decide(doc: Document) -> Decision:
            after = rules.changed_document(doc, changes, self.clock(), editor)
            if after is None:
                return None
            return after, [events.revised(after)] if rules.makes_revision(doc) else []
        return await self.update(document_id, decide)

    async def publish(self, document_id: str) -> Document:
        """Make a draft public."""
        def decide(doc: Document) -> Decision:
            after = rules.published(doc, self.clock())
            return after, [events.published(after)]
        return await self.update(document_id, decide)

    async def withdraw(self, document_id: str, reason: str | None) -> Document:
        """Take a published document down, leaving its tombstone."""
        def decide(doc: Document) -> Decision:
            after = rules.withdrawn(doc, self.clock(), reason)
            return after, [events.withdrawn(after)]
        return await self.update(document_id, decide)

    async def apply_translation(self, done: JobCompleted) -> str:
        """Store a completed translation as a language version unless it is outdated."""
        job, outcome = done.job, ["missing"]
        provenance = done.provenance.model_dump()
        status = translation_status(done.provenance.reviewer)

        def decide(doc: Document) -> Decision:
            outcome[0] = translation_outcome(doc, job.revision, job.target_language, status,
                                             done.texts)
            if outcome[0] != "apply":
                return None
            after = translated(doc, job.revision, job.target_language, done.texts,
                               provenance, self.clock())
            return after, [events.translated(after, job.target_language)]

        await self.update(job.document_id, decide)
        await self.store.record_translation({
            "_id": f"{job.job_id}:{job.revision}", "document_id": job.document_id,
            "revision": job.revision, "language": job.target_language, "texts": done.texts,
            "provenance": provenance, "outcome": outcome[0], "received_at": self.clock()})
        return outcome[0]

    async def ingest(self, item: IngestedDocument) -> Document:
        """A portal's publication: published at once; a repeat is a revision or nothing."""
        now = self.clock()
        fields = item.model_dump(exclude={"source", "external_id"})
        doc_id = ingested_id(item.source, item.external_id)
        doc = rules.new_document(doc_id, fields, now, None, source=item.source,
                                 external_id=item.external_id)
        doc = rules.published(doc, now)
        try:
            await self.store.insert(doc, events.entries(now, events.published(doc)))
        except DuplicateKeyError:
            return await self.change(doc_id, fields, None)
        self.kick()
        return doc

    async def update(self, document_id: str, decide: Callable[[Document], Decision]) -> Document:
        """Read, decide, write if nobody wrote meanwhile; again if somebody did."""
        for _ in range(ATTEMPTS):
            doc = await self.store.get(document_id)
            if doc is None:
                raise Refusal("not_found", f"there is no document {document_id!r}")
            decision = decide(doc)
            if decision is None:
                return doc
            after, news = decision
            if after["revision"] != doc["revision"]:
                await self.store.keep_revision(doc)
            if await self.store.replace_if_unchanged(doc, after,
                                                     events.entries(self.clock(), *news)):
                if news:
                    self.kick()
                return after
        raise Refusal("conflict", "the document kept changing meanwhile; try again")


def ingested_id(source: str, external_id: str) -> str:
    """The same (source, external id) always names the same document: that is the dedupe."""
    return "ing_" + hashlib.sha256(f"{source}\0{external_id}".encode()).hexdigest()[:24]
