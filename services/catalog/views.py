"""Documents as readers see them: one language, with which one it is and why."""

from __future__ import annotations

from services.catalog.domain.languages import (
    LANGUAGE_CODES,
    available_languages,
    served_language,
)
from shared.contracts.catalog.rpc import DocumentView, FileInfo, RevisionInfo
from shared.db import Document


def document_view(doc: Document, asked: str | None) -> DocumentView:
    """The document in the asked language if readable, else in its source language."""
    served = served_language(doc, asked)
    return DocumentView.model_validate({
        **{k: doc.get(k) for k in (
            "type", "status", "revision", "source_language", "topics", "countries", "regions",
            "authors", "institutions", "published_on", "year", "session_id", "slot", "url",
            "source", "external_id")},
        "updated_at": doc["updated_at"],
        "id": doc["_id"], "requested_language": asked, "served_language": served,
        "fallback": asked is not None and served != asked,
        "title": doc["title"].get(served, ""), "summary": doc["summary"].get(served, ""),
        "body": doc["body"].get(served, ""),
        "available_languages": available_languages(doc),
        "languages": {lang: doc["languages"].get(lang, {"status": "missing"})
                      for lang in LANGUAGE_CODES},
        "files": [FileInfo.model_validate(f) for f in doc["files"]],
    })


def revision_info(doc: Document, current: bool) -> RevisionInfo:
    """One line of a document's history."""
    return RevisionInfo(revision=doc["revision"], status=doc["status"],
                        updated_at=doc["updated_at"], current=current)

