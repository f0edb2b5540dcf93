"""A document's life: created as a draft, changed, published, revised, withdrawn.

Documents are plain dicts in the shape the catalog stores (the search side reads the same
shape); these functions take one and return the next one, never touching storage.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from services.catalog.domain.errors import Refusal
from services.catalog.domain.languages import LANGUAGE_CODES, TEXT_FIELDS, versions_after_edit
from shared.reference import member_state, region_of

Doc = dict[str, Any]
LIST_FIELDS = ("topics", "countries", "authors", "institutions")
SCALAR_FIELDS = ("type", "published_on", "session_id", "slot", "url")
"""`slot` and `url` came with session materials: documents stored before them lack both."""


def checked_countries(countries: list[str]) -> list[str]:
    """ISO alpha-2 codes of INGP member states, upper-case, without repeats."""
    unknown = [code for code in countries if member_state(code) is None]
    if unknown:
        raise Refusal("invalid", "not INGP member states: " + ", ".join(unknown[:5]),
                      {"errors": [{"source": "countries", "message": "unknown member state"}]})
    return list(dict.fromkeys(code.upper() for code in countries))


def regions_of(countries: list[str]) -> list[str]:
    """The INGP regions of the given member states, each once."""
    return list(dict.fromkeys(r for code in countries if (r := region_of(code)) is not None))


def ingested_id(source: str, external_id: str) -> str:
    """The same (source, external id) always names the same document: that is the dedupe."""
    return "ing_" + hashlib.sha256(f"{source}\0{external_id}".encode()).hexdigest()[:24]


def is_editable(doc: Doc) -> bool:
    """A withdrawn document is a tombstone: nothing changes it any more."""
    return bool(doc["status"] != "withdrawn")


def makes_revision(doc: Doc) -> bool:
    """Changes to a published document make a new revision; a draft changes in place."""
    return bool(doc["status"] == "published")


def new_document(doc_id: str, fields: Doc, now: datetime, editor: str | None, *,
                 source: str | None = None, external_id: str | None = None) -> Doc:
    """A draft from an editor's (or an ingest's) fields; the source-language title is required."""
    source_language = fields["source_language"]
    if not (fields.get("title") or {}).get(source_language):
        raise Refusal("invalid", f"the title in the source language ({source_language}) is "
                      "required", {"errors": [{"source": "title", "message": "missing"}]})
    doc: Doc = {
        "_id": doc_id, "type": fields["type"], "status": "draft",
        "source_language": source_language, "revision": 1, "text_revision": 1, "version": 1,
        "title": {}, "summary": {}, "body": {},
        "languages": {lang: {"status": "missing"} for lang in LANGUAGE_CODES},
        "topics": [], "countries": [], "regions": [], "authors": [], "institutions": [],
        "published_on": None, "year": None, "session_id": None, "slot": None, "url": None,
        "source": source, "external_id": external_id, "files": [],
        "created_at": now, "updated_at": now, "outbox": [],
    }
    changed = changed_document(doc, fields, now, editor)
    return changed if changed is not None else doc


def changed_document(doc: Doc, changes: Doc, now: datetime, editor: str | None) -> Doc | None:
    """The document after `changes`, or None when they change nothing."""
    if not is_editable(doc):
        raise Refusal("gone", "the document was withdrawn; it cannot change")
    after = {**doc}
    for name in SCALAR_FIELDS:
        if changes.get(name) is not None:
            value = changes[name]
            after[name] = value.isoformat() if isinstance(value, date) else value
    for name in LIST_FIELDS:
        if changes.get(name) is not None:
            after[name] = list(dict.fromkeys(changes[name]))
    after["countries"] = checked_countries(after["countries"])
    after["regions"] = regions_of(after["countries"])
    after["year"] = int(after["published_on"][:4]) if after["published_on"] else None
    edited = {name: {lang: text for lang, text in (changes.get(name) or {}).items()
                     if doc[name].get(lang) != text}
              for name in TEXT_FIELDS}
    edited = {name: texts for name, texts in edited.items() if texts}
    for name, texts in edited.items():
        after[name] = {**doc[name], **texts}
    if all(after.get(k) == doc.get(k) for k in (*SCALAR_FIELDS, *LIST_FIELDS)) and not edited:
        return None
    revision = doc["revision"] + 1 if makes_revision(doc) else doc["revision"]
    after["languages"] = versions_after_edit(doc, edited, editor, now, revision)
    if any(doc["source_language"] in texts for texts in edited.values()):
        after["text_revision"] = revision
    after.update(revision=revision, version=doc["version"] + 1, updated_at=now)
    return after


def published(doc: Doc, now: datetime) -> Doc:
    """The document made public; only a draft can be published."""
    if doc["status"] != "draft":
        raise Refusal("gone" if doc["status"] == "withdrawn" else "conflict",
                      f"a {doc['status']} document cannot be published")
    published_on = doc["published_on"] or now.date().isoformat()
    return {**doc, "status": "published", "published_on": published_on,
            "year": int(published_on[:4]), "published_at": now,
            "version": doc["version"] + 1, "updated_at": now}


def withdrawn(doc: Doc, now: datetime, reason: str | None) -> Doc:
    """The document taken down; it stays as a tombstone with its metadata."""
    if doc["status"] != "published":
        raise Refusal("gone" if doc["status"] == "withdrawn" else "conflict",
                      f"a {doc['status']} document cannot be withdrawn")
    return {**doc, "status": "withdrawn", "withdrawn_at": now, "withdrawal_reason": reason,
            "version": doc["version"] + 1, "updated_at": now}


def has_file(doc: Doc, file_id: str) -> bool:
    """The document has this file (the same content uploaded again is the same file)."""
    return any(file["file_id"] == file_id for file in doc["files"])


def with_file(doc: Doc, file: Doc, now: datetime) -> Doc:
    """The document with one more file (a new revision if it is published)."""
    if not is_editable(doc):
        raise Refusal("gone", "the document was withdrawn; it cannot change")
    revision = doc["revision"] + 1 if makes_revision(doc) else doc["revision"]
    return {**doc, "files": [*doc["files"], file], "revision": revision,
            "version": doc["version"] + 1, "updated_at": now}


def ensure_readable(doc: Doc | None, document_id: str, include_drafts: bool = False) -> Doc:
    """The document if readers may see it: drafts only by editors; a withdrawn one is gone,
    and the refusal carries its tombstone."""
    if doc is None or (doc["status"] == "draft" and not include_drafts):
        raise Refusal("not_found", f"there is no published document {document_id!r}")
    if doc["status"] == "withdrawn":
        raise Refusal("gone", "the document was withdrawn", {"tombstone": tombstone(doc)})
    return doc


def tombstone(doc: Doc) -> Doc:
    """What a withdrawn document still tells: its metadata, never its texts or files."""
    return {"id": doc["_id"], "type": doc["type"], "title": doc["title"],
            "source_language": doc["source_language"], "revision": doc["revision"],
            "published_on": doc["published_on"],
            "withdrawn_at": str(doc.get("withdrawn_at") or ""),
            "reason": doc.get("withdrawal_reason")}
