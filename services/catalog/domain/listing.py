"""What the editors' list of documents is sorted and searched by, computed from a document.

The title is searched by word prefixes stored with each document (`title_terms`), matched
by equality on a multikey index: bounded by the index on MongoDB and on the embedded
stand-in alike, where a regular expression over titles would read every document. A query
word matches a title word that starts with it (three characters or more: shorter query
words must be whole words), in any language, case and accents ignored.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, Final

from shared.contracts.catalog.rpc import Producer

Doc = dict[str, Any]
SHORTEST_PREFIX: Final = 3
LONGEST_PREFIX: Final = 20
MOST_QUERY_WORDS: Final = 8
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def folded_words(text: str) -> list[str]:
    """The words of `text`, lower-case and without accents ("Región" -> "region")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                    if not unicodedata.combining(c))
    return _WORD.findall(plain)


def prefixes(word: str) -> list[str]:
    """What a title word is found by: the word if short, else its prefixes from three
    characters up to LONGEST_PREFIX (a longer query word is cut to that length)."""
    if len(word) < SHORTEST_PREFIX:
        return [word]
    return [word[:size] for size in range(SHORTEST_PREFIX, min(len(word), LONGEST_PREFIX) + 1)]


def title_terms(titles: dict[str, str]) -> list[str]:
    """Every term the document's titles (all languages) can be found by, each once."""
    terms = (term for title in titles.values() for word in folded_words(title)
             for term in prefixes(word))
    return list(dict.fromkeys(terms))


def query_terms(text: str) -> list[str]:
    """The terms a title query needs, every one of them (at most MOST_QUERY_WORDS)."""
    terms = (word[:LONGEST_PREFIX] for word in folded_words(text))
    return list(dict.fromkeys(terms))[:MOST_QUERY_WORDS]


def change_position(updated_at: datetime, document_id: str) -> str:
    """Where a document stands in the list, newest change first: the change time in
    milliseconds (12 hex digits, as ids) and the id, which makes ties impossible. A string,
    because the stand-in compares datetimes in queries to the whole second."""
    return f"{int(updated_at.timestamp() * 1000):012x}:{document_id}"


def version_states(doc: Doc) -> list[str]:
    """`<language>:<status>` of each language version, what the language filter matches."""
    return [f"{lang}:{version.get('status', 'missing')}"
            for lang, version in doc["languages"].items()]


def produced_by(doc: Doc, version: Doc) -> Producer | None:
    """Who or what wrote a language version: an original is the editor's, unless no editor
    touched it and another system sent the document; translations by machine or translator."""
    status = version.get("status")
    if status == "machine_draft":
        return "machine"
    if status == "reviewed":
        return "translator"
    if status == "original":
        return "ingest" if doc.get("source") and not version.get("translator") else "editor"
    return None
