"""A session's translatable texts, and translations merged back into them. No I/O.

Every language map of a session (its title, summary, rationale, objectives, the parent event's
name, agenda block and slot titles, people's bios) is a text, named by a stable path built
from the keys the secretariat chose: `title`, `objectives.2`, `agenda.<block>.title`,
`agenda.<block>.slots.<slot>.title`, `people.<person>.bio`, `parent_event.name`.

A translation merged into a language map is recorded in the session's `translations`, with
the source text it was made from. So the texts the secretariat wrote (`written_texts`) stay
apart from translations, which are never taken for theirs: an edit of a source text makes
its translations outdated (and a new job is queued), while a text the secretariat wrote in a
language is never replaced by a translation.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from services.registration.domain import Document

LANGUAGE_ORDER = ("es", "en", "pt", "fr")
"""Breaks ties when choosing the source language (after the session's own languages)."""
FLAT_TEXTS = ("title", "summary", "rationale")

Texts = dict[str, dict[str, str]]
"""Each text by path, in the languages it has."""


def _maps(session: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    """(path, language map) of every text of the session: the maps themselves, not copies."""
    for name in FLAT_TEXTS:
        if isinstance(session.get(name), dict):
            yield name, session[name]
    for number, objective in enumerate(session.get("objectives") or [], start=1):
        yield f"objectives.{number}", objective
    parent = session.get("parent_event")
    if isinstance(parent, dict) and isinstance(parent.get("name"), dict):
        yield "parent_event.name", parent["name"]
    for block in session.get("agenda") or []:
        if isinstance(block.get("title"), dict):
            yield f"agenda.{block['key']}.title", block["title"]
        for slot in block.get("slots") or []:
            if isinstance(slot.get("title"), dict):
                yield f"agenda.{block['key']}.slots.{slot['key']}.title", slot["title"]
    for person in session.get("people") or []:
        if isinstance(person.get("bio"), dict):
            yield f"people.{person['key']}.bio", person["bio"]


def texts_of(session: Mapping[str, Any]) -> Texts:
    """Every non-empty text of the session, translations included."""
    return {path: {lang: text for lang, text in by_language.items() if text}
            for path, by_language in _maps(session) if any(by_language.values())}


def _merged(session: Mapping[str, Any]) -> list[Document]:
    """The translations merged into the session: path, language, text, and the source
    language and text they were made from."""
    return list(session.get("translations") or [])


def _is_translation(session: Mapping[str, Any], path: str, language: str, text: str) -> bool:
    return any((entry["path"], entry["language"], entry["text"]) == (path, language, text)
               for entry in _merged(session))


def written_texts(session: Mapping[str, Any]) -> Texts:
    """The texts as the secretariat wrote them: without the translations merged into them."""
    written: Texts = {}
    for path, by_language in texts_of(session).items():
        own = {lang: text for lang, text in by_language.items()
               if not _is_translation(session, path, lang, text)}
        if own:
            written[path] = own
    return written


def source_language(written: Texts, languages: list[str]) -> str:
    """The language most texts are written in; ties go to the session's own languages, in
    order, then to es, en, pt, fr."""
    order = [*languages, *(lang for lang in LANGUAGE_ORDER if lang not in languages)]
    counts = {lang: sum(1 for texts in written.values() if lang in texts) for lang in order}
    return max(order, key=lambda lang: (counts[lang], -order.index(lang)))


def announced_texts(session: Mapping[str, Any]) -> tuple[str, Texts]:
    """The source language, and the texts as translation is told of them: those written, and
    the translations still current (made from the source text as it is now)."""
    written = written_texts(session)
    source = source_language(written, list(session.get("languages") or []))
    texts = {path: dict(by_language) for path, by_language in written.items()}
    for entry in _merged(session):
        path = entry["path"]
        current = texts.get(path, {})
        if (current.get(entry["source_language"]) == entry["source"]
                and _is_present(session, path, entry["language"], entry["text"])):
            current.setdefault(entry["language"], entry["text"])
    return source, texts


def _is_present(session: Mapping[str, Any], path: str, language: str, text: str) -> bool:
    return texts_of(session).get(path, {}).get(language) == text


def texts_changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether an edit changed what the secretariat wrote (a new text revision)."""
    return written_texts(before) != written_texts(after)


def with_translation(session: Document, language: str, revision: int,
                     translated: Mapping[str, str]) -> Document | None:
    """The session with `translated` (text by path) merged into its `language`, or None if
    nothing changes: the revision is no longer current, or every text is the secretariat's
    own in that language already (or gone)."""
    if revision != session.get("text_revision"):
        return None
    written = written_texts(session)
    source = source_language(written, list(session.get("languages") or []))
    after = copy.deepcopy(session)
    kept = _merged(after)
    changed = False
    for path, by_language in _maps(after):
        text = translated.get(path)
        own = written.get(path, {})
        if not text or language in own or by_language.get(language) == text:
            continue
        by_language[language] = text
        kept = [entry for entry in kept if (entry["path"], entry["language"]) != (path, language)]
        kept.append({"path": path, "language": language, "text": text,
                     "source_language": source, "source": own.get(source, "")})
        changed = True
    if not changed:
        return None
    after["translations"] = kept
    return after
