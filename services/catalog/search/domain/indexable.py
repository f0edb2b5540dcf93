"""What of a catalog document goes into the search index, decided without any I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

SEARCH_LANGUAGES: Final = ("es", "en", "pt", "fr")
TEXT_FIELDS: Final = ("title", "summary", "body")
READABLE_STATUSES: Final = frozenset({"original", "machine_draft", "reviewed"})


@dataclass(frozen=True)
class IndexableDocument:
    """The parts of a published document that search needs, flattened for the engine."""

    id: str
    type: str
    source_language: str
    texts: dict[str, dict[str, str]]
    """`{"title": {"es": ...}, "summary": {...}, "body": {...}}`; file text is added to body."""
    languages: list[str]
    topics: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    year: int | None = None
    published_on: str | None = None
    session_id: str | None = None
    """The session it is a material of, with its agenda `slot` and its link (`url`)."""
    slot: str | None = None
    url: str | None = None


def is_searchable(document: Mapping[str, Any]) -> bool:
    """Only published documents are found by search."""
    return document.get("status") == "published"


def available_languages(document: Mapping[str, Any]) -> list[str]:
    """Languages a reader can read the document in: a readable status and a title."""
    statuses = document.get("languages") or {}
    titles = document.get("title") or {}
    found = []
    for language in SEARCH_LANGUAGES:
        entry = statuses.get(language)
        status = entry.get("status") if isinstance(entry, Mapping) else None
        readable = status in READABLE_STATUSES if status is not None else True
        if readable and _text(titles.get(language)):
            found.append(language)
    return found


def to_indexable(document: Mapping[str, Any], file_texts: Sequence[str] = ()) -> IndexableDocument:
    """The index entry of a published document (call `is_searchable` first)."""
    languages = available_languages(document)
    source = str(document.get("source_language") or (languages[0] if languages else "es"))
    texts: dict[str, dict[str, str]] = {}
    for name in TEXT_FIELDS:
        by_language = document.get(name) or {}
        texts[name] = {lang: _text(by_language.get(lang)) for lang in languages
                       if _text(by_language.get(lang))}
    extracted = "\n".join(text for text in file_texts if text)
    if extracted:
        body = texts["body"]
        body[source] = f"{body[source]}\n{extracted}" if body.get(source) else extracted
    return IndexableDocument(
        id=str(document["_id"]), type=str(document.get("type") or ""), source_language=source,
        texts=texts, languages=languages, topics=_strings(document.get("topics")),
        countries=[c.upper() for c in _strings(document.get("countries"))],
        regions=_strings(document.get("regions")), year=_year(document),
        published_on=_date(document.get("published_on")),
        session_id=_text(document.get("session_id")) or None,
        slot=_text(document.get("slot")) or None, url=_text(document.get("url")) or None,
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _date(value: Any) -> str | None:
    text = value.isoformat() if hasattr(value, "isoformat") else value
    return text[:10] if isinstance(text, str) and len(text) >= 10 else None


def _year(document: Mapping[str, Any]) -> int | None:
    year = document.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    published = _date(document.get("published_on"))
    return int(published[:4]) if published and published[:4].isdigit() else None
