"""Use cases of the catalog: load a document, decide with the domain rules, save it with its
events in one conditional write, wake the outbox relay.

`Deps` is what every handler takes; `bootstrap.py` builds it, tests may pass other ones.
`update_document` is the one write path of an existing document: a decision is made on the
document as read and written only if nobody wrote meanwhile (its `version`), else made again
on fresh state. Refusals are `domain.errors.Refusal`; entrypoints turn them into replies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.catalog import events
from services.catalog.domain.errors import Refusal
from services.catalog.store import DocumentStore, FileStore, SessionStore
from shared.clock import Clock
from shared.contracts.events import Event
from shared.db import Document

Decision = tuple[Document, list[Event]] | None
"""The document as it should be and the events that makes, or None: nothing to write."""
ATTEMPTS = 8


@dataclass(frozen=True)
class Deps:
    """What handlers use: documents, files, the clock, the outbox relay's kick, and the
    copy of registration's sessions."""

    store: DocumentStore
    files: FileStore
    kick: Callable[[], None]
    clock: Clock
    sessions: SessionStore


async def update_document(deps: Deps, document_id: str,
                          decide: Callable[[Document], Decision]) -> Document:
    """Read, decide, write if nobody wrote meanwhile; again if somebody did."""
    for _ in range(ATTEMPTS):
        doc = await deps.store.get(document_id)
        if doc is None:
            raise Refusal("not_found", f"there is no document {document_id!r}")
        decision = decide(doc)
        if decision is None:
            return doc
        after, news = decision
        if after["revision"] != doc["revision"]:
            await deps.store.keep_revision(doc)
        if await deps.store.replace_if_unchanged(doc, after, events.entries(deps.clock(), *news)):
            if news:
                deps.kick()
            return after
    raise Refusal("conflict", "the document kept changing meanwhile; try again")
