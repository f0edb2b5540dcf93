"""Language versions of a document: which are readable, which are missing, which to serve."""

from __future__ import annotations

from typing import Any, Final

LANGUAGE_CODES: Final = ("es", "en", "pt", "fr")
REQUIRED: Final = ("es", "en")
TEXT_FIELDS: Final = ("title", "summary", "body")

Doc = dict[str, Any]


def has_text(doc: Doc, lang: str) -> bool:
    """A language version exists when the document has a title in that language."""
    return bool(doc["title"].get(lang))


def is_readable(doc: Doc, lang: str) -> bool:
    """Readable: there is text and its status is not `missing`."""
    return has_text(doc, lang) and doc["languages"].get(lang, {}).get("status") != "missing"


def available_languages(doc: Doc) -> list[str]:
    """Languages a reader can read the document in, in the OAS order."""
    return [lang for lang in LANGUAGE_CODES if is_readable(doc, lang)]


def is_settled(version: Doc) -> bool:
    """An original, or a reviewed translation of the current source text."""
    return version.get("status") in ("original", "reviewed") and not version.get("stale")


def missing_languages(doc: Doc) -> list[str]:
    """Required languages with no original or current reviewed text (what to translate)."""
    return [lang for lang in REQUIRED if not is_settled(doc["languages"].get(lang, {}))]


def served_language(doc: Doc, asked: str | None) -> str:
    """The asked language if readable, else the source language."""
    if asked is not None and is_readable(doc, asked):
        return asked
    return str(doc["source_language"])


def versions_after_edit(doc: Doc, edited: dict[str, dict[str, str]], editor: str | None,
                        now: Any, revision: int) -> dict[str, Doc]:
    """Language statuses after an editor set `edited` texts (field -> lang -> text).

    A language the editor wrote becomes `original`; when the source language's text changed,
    translations made from the old text are marked stale (kept readable until replaced).
    """
    versions = {lang: dict(doc["languages"].get(lang, {"status": "missing"}))
                for lang in LANGUAGE_CODES}
    touched = {lang for texts in edited.values() for lang in texts}
    source_changed = doc["source_language"] in touched
    for lang in LANGUAGE_CODES:
        version = versions[lang]
        if lang in touched:
            versions[lang] = {"status": "original", "translator": editor, "at": now,
                              "revision": revision, "stale": False}
        elif source_changed and version.get("status") in ("machine_draft", "reviewed"):
            version["stale"] = True
    return versions
