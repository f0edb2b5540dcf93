"""Whether a finished translation may become a document's language version."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from services.catalog.domain.languages import TEXT_FIELDS

Doc = dict[str, Any]
Outcome = Literal["apply", "outdated", "kept", "same"]


def translation_status(reviewer: str | None) -> str:
    """A reviewed translation, or a machine draft nobody has reviewed yet."""
    return "reviewed" if reviewer else "machine_draft"


def translation_outcome(doc: Doc, revision: int, lang: str, status: str,
                        texts: dict[str, str]) -> Outcome:
    """Decide what a completed translation of `revision` into `lang` does to `doc`.

    `outdated`: the source text changed after the revision it was made from; never overwrite
    newer text. `kept`: the language has an original, or a current reviewed version that a
    machine draft must not replace. `same`: it is already stored (a redelivery).
    """
    if doc["status"] == "withdrawn" or not doc.get("text_revision", 1) <= revision <= \
            doc["revision"]:
        return "outdated"
    version = doc["languages"].get(lang, {})
    if lang == doc["source_language"] or version.get("status") == "original":
        return "kept"
    if version.get("status") == "reviewed" and not version.get("stale") \
            and status == "machine_draft":
        return "kept"
    if version.get("status") == status and version.get("revision") == revision and all(
            doc[name].get(lang) == text for name, text in texts.items()):
        return "same"
    return "apply"


def translated(doc: Doc, revision: int, lang: str, texts: dict[str, str], provenance: Doc,
               now: datetime) -> Doc:
    """The document with the translation stored as its `lang` version."""
    after = {**doc, "version": doc["version"] + 1, "updated_at": now}
    for name in TEXT_FIELDS:
        if texts.get(name):
            after[name] = {**doc[name], lang: texts[name]}
    status = translation_status(provenance.get("reviewer"))
    after["languages"] = {**doc["languages"], lang: {
        "status": status, "engine": provenance.get("engine"),
        "translator": provenance.get("translator"), "reviewer": provenance.get("reviewer"),
        "at": provenance.get("completed_at"), "revision": revision, "stale": False}}
    return after
