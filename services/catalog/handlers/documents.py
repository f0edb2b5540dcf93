"""Editors' commands on documents: create a draft, change it, publish it, withdraw it."""

from __future__ import annotations

from typing import Any

from services.catalog import events
from services.catalog.domain import documents as rules
from services.catalog.domain.errors import Refusal
from services.catalog.handlers import Decision, Deps, update_document
from shared.db import Document
from shared.ids import new_id


async def create(deps: Deps, fields: dict[str, Any], editor: str | None) -> Document:
    """A new draft."""
    now = deps.clock()
    doc = rules.new_document(new_id(now, "doc_"), fields, now, editor)
    if not await deps.store.insert(doc, []):
        raise Refusal("conflict", "a document with this id was created meanwhile; try again")
    return doc


async def change(deps: Deps, document_id: str, changes: dict[str, Any],
                 editor: str | None) -> Document:
    """Edit metadata or texts; a published document gets a new revision."""
    def decide(doc: Document) -> Decision:
        after = rules.changed_document(doc, changes, deps.clock(), editor)
        if after is None:
            return None
        return after, [events.revised(after)] if rules.makes_revision(doc) else []
    return await update_document(deps, document_id, decide)


async def publish(deps: Deps, document_id: str) -> Document:
    """Make a draft public."""
    def decide(doc: Document) -> Decision:
        after = rules.published(doc, deps.clock())
        return after, [events.published(after)]
    return await update_document(deps, document_id, decide)


async def withdraw(deps: Deps, document_id: str, reason: str | None) -> Document:
    """Take a published document down, leaving its tombstone."""
    def decide(doc: Document) -> Decision:
        after = rules.withdrawn(doc, deps.clock(), reason)
        return after, [events.withdrawn(after)]
    return await update_document(deps, document_id, decide)
