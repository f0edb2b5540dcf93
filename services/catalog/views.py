"""Documents as readers see them (one language, with which one it is and why) and as editors
see them (every language, with who wrote each)."""

from __future__ import annotations

from services.catalog.domain.languages import (
    LANGUAGE_CODES,
    TEXT_FIELDS,
    available_languages,
    served_language,
)
from services.catalog.domain.listing import produced_by
from shared.contracts.catalog.editing import DocumentSummary, EditingView
from shared.contracts.catalog.rpc import DocumentView, FileInfo, LanguageVersion, RevisionInfo
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
        "languages": language_versions(doc),
        "files": [FileInfo.model_validate(f) for f in doc["files"]],
    })


def editing_view(doc: Document, asked: str | None) -> EditingView:
    """The reader's view with every language's texts, to fill an edit form."""
    texts = {name: {lang: text for lang, text in doc[name].items() if text}
             for name in TEXT_FIELDS}
    return EditingView(**dict(document_view(doc, asked)), texts=texts)


def document_summary(doc: Document) -> DocumentSummary:
    """One line of the editors' list (the document read without its texts)."""
    return DocumentSummary(
        id=doc["_id"], status=doc["status"], type=doc["type"],
        source_language=doc["source_language"],
        title={lang: text for lang, text in doc["title"].items() if text},
        languages=language_versions(doc), topics=doc["topics"], source=doc.get("source"),
        external_id=doc.get("external_id"), revision=doc["revision"],
        files=len(doc.get("files") or []), updated_at=doc["updated_at"])


def language_versions(doc: Document) -> dict[str, LanguageVersion]:
    """Each language's status, with who or what wrote it."""
    versions = {lang: doc["languages"].get(lang, {"status": "missing"})
                for lang in LANGUAGE_CODES}
    return {lang: LanguageVersion.model_validate({**version,
                                                  "produced_by": produced_by(doc, version)})
            for lang, version in versions.items()}


def revision_info(doc: Document, current: bool) -> RevisionInfo:
    """One line of a document's history."""
    return RevisionInfo(revision=doc["revision"], status=doc["status"],
                        updated_at=doc["updated_at"], current=current)
