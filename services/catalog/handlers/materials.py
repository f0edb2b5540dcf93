"""A session's materials: the secretariat attaches one, or the webinar platform sends the
recording. Either way a document linked to the session, made by the ordinary document rules."""

from __future__ import annotations

from typing import Any

from services.catalog import events
from services.catalog.domain import documents as rules
from services.catalog.domain.errors import Refusal
from services.catalog.domain.materials import checked_session, material_fields
from services.catalog.handlers import Deps
from services.catalog.handlers.documents import change
from shared.contracts.catalog.materials import IngestedRecording
from shared.db import Document
from shared.ids import new_id


async def attach_material(deps: Deps, session_id: str, kind: str, material: dict[str, Any],
                          editor: str | None) -> Document:
    """A draft linked to the session (and slot), or published at once if asked: then the
    document and its `published` event are one write, as for any publication."""
    session = checked_session(await deps.sessions.get(session_id), session_id,
                              material.get("slot"))
    now = deps.clock()
    doc = rules.new_document(new_id(now, "doc_"), material_fields(session, kind, material),
                             now, editor)
    news = []
    if material.get("publish"):
        doc = rules.published(doc, now)
        news = [events.published(doc)]
    if not await deps.store.insert(doc, events.entries(now, *news)):
        raise Refusal("conflict", "a document with this id was created meanwhile; try again")
    if news:
        deps.kick()
    return doc


async def when_platform_sends_recording(deps: Deps, source: str,
                                        item: IngestedRecording) -> Document:
    """The platform's recording, published at once; a repeat (same source and external id)
    changes the same document instead of adding another."""
    session = checked_session(await deps.sessions.get(item.session_id), item.session_id,
                              item.slot)
    fields = material_fields(session, "recording", {
        "source_language": item.language, "title": item.title, "url": item.url,
        "slot": item.slot})
    now = deps.clock()
    doc_id = rules.ingested_id(f"recording:{source}", item.external_id)
    doc = rules.published(rules.new_document(doc_id, fields, now, None, source=source,
                                             external_id=item.external_id), now)
    if not await deps.store.insert(doc, events.entries(now, events.published(doc))):
        return await change(deps, doc_id, fields, None)
    deps.kick()
    return doc
