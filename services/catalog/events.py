"""The one place where documents become the shared `catalog.document.*` contracts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.catalog.domain.languages import (
    TEXT_FIELDS,
    available_languages,
    missing_languages,
)
from shared.contracts.catalog.events import (
    DocumentPublished,
    DocumentRevised,
    DocumentSnapshot,
    DocumentTranslated,
    DocumentWithdrawn,
)
from shared.contracts.events import Event
from shared.db import Document
from shared.ids import new_id
from shared.outbox import outbox_entry

SOURCE = "dialogues/catalog"


def snapshot(doc: Document) -> DocumentSnapshot:
    """The revision as translate and notify need it: its texts and what is still missing."""
    return DocumentSnapshot.model_validate({
        "document_id": doc["_id"], "revision": doc["revision"], "type": doc["type"],
        "source_language": doc["source_language"],
        "texts": {name: dict(doc[name]) for name in TEXT_FIELDS if doc[name]},
        "available_languages": available_languages(doc),
        "missing_languages": missing_languages(doc),
        "topics": doc["topics"], "countries": doc["countries"],
        "session_id": doc["session_id"],
        "published_on": date.fromisoformat(doc["published_on"]) if doc["published_on"] else None,
    })


def published(doc: Document) -> Event:
    return DocumentPublished(document=snapshot(doc))


def revised(doc: Document) -> Event:
    return DocumentRevised(document=snapshot(doc))


def withdrawn(doc: Document) -> Event:
    return DocumentWithdrawn(document_id=doc["_id"], reason=doc.get("withdrawal_reason"))


def translated(doc: Document, lang: str) -> Event:
    version = doc["languages"][lang]
    return DocumentTranslated.model_validate({
        "document_id": doc["_id"], "revision": version["revision"], "language": lang,
        "status": version["status"], "type": doc["type"], "topics": doc["topics"],
        "countries": doc["countries"]})


def entries(now: datetime, *events: Event) -> list[dict[str, Any]]:
    """Outbox entries for events about one document."""
    return [outbox_entry(event, event_id=new_id(now, "evt_"), source=SOURCE, now=now,
                         subject=_subject_of(event))
            for event in events]


def _subject_of(event: Event) -> str | None:
    document = getattr(event, "document", None)
    return str(document.document_id) if document is not None else getattr(
        event, "document_id", None)
