"""What the catalog does when other systems tell it something: a translation job completed,
a member agency's portal published a document."""

from __future__ import annotations

from services.catalog import events
from services.catalog.domain import documents as rules
from services.catalog.domain.translations import (
    Outcome,
    translated,
    translation_outcome,
    translation_status,
)
from services.catalog.handlers import Decision, Deps, update_document
from services.catalog.handlers.documents import change
from shared.contracts.catalog.events import IngestedDocument
from shared.contracts.translate.events import JobCompleted
from shared.db import Document


async def when_translation_is_completed(deps: Deps, done: JobCompleted) -> Outcome:
    """Store a completed translation as a language version unless it is outdated; keep a
    record of every one received, with what became of it."""
    job = done.job
    outcomes: list[Outcome] = []  # what the last decision, made on the stored state, said
    provenance = done.provenance.model_dump()
    status = translation_status(done.provenance.reviewer)

    def decide(doc: Document) -> Decision:
        outcomes.append(translation_outcome(doc, job.revision, job.target_language, status,
                                            done.texts))
        if outcomes[-1] != "apply":
            return None
        after = translated(doc, job.revision, job.target_language, done.texts,
                           provenance, deps.clock())
        return after, [events.translated(after, job.target_language)]

    await update_document(deps, job.document_id, decide)
    await deps.store.record_translation({
        "_id": f"{job.job_id}:{job.revision}", "document_id": job.document_id,
        "revision": job.revision, "language": job.target_language, "texts": done.texts,
        "provenance": provenance, "outcome": outcomes[-1], "received_at": deps.clock()})
    return outcomes[-1]


async def when_portal_publishes(deps: Deps, item: IngestedDocument) -> Document:
    """A portal's publication: published at once; a repeat is a revision or nothing."""
    now = deps.clock()
    fields = item.model_dump(exclude={"source", "external_id"})
    doc_id = rules.ingested_id(item.source, item.external_id)
    doc = rules.new_document(doc_id, fields, now, None, source=item.source,
                             external_id=item.external_id)
    doc = rules.published(doc, now)
    if not await deps.store.insert(doc, events.entries(now, events.published(doc))):
        return await change(deps, doc_id, fields, None)
    deps.kick()
    return doc
