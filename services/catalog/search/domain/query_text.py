"""User query text made safe: words and quoted phrases, nothing the engine could choke on.

Any text a user types is reduced to runs of letters and digits; operators, brackets, field
names and stray quotes are dropped rather than parsed, so no input can become a syntax error.
Each clause is quoted in the engine's query language, which then only analyzes the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MAX_CLAUSES: Final = 16
MAX_PHRASE_WORDS: Final = 12
MAX_WORD_CHARS: Final = 40
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_QUOTED = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Clause:
    """One word, or a phrase whose words must appear in this order."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


def clauses_of(text: str) -> list[Clause]:
    """The clauses of a query: quoted runs become phrases, the rest single words."""
    clauses: list[Clause] = []
    position = 0
    for match in _QUOTED.finditer(text):
        clauses.extend(Clause((word,)) for word in _words(text[position:match.start()]))
        phrase = _words(match.group(1))[:MAX_PHRASE_WORDS]
        if phrase:
            clauses.append(Clause(tuple(phrase)))
        position = match.end()
    clauses.extend(Clause((word,)) for word in _words(text[position:]))
    return _unique(clauses)[:MAX_CLAUSES]


def engine_query(clauses: list[Clause]) -> str:
    """The clauses in the engine's syntax: every clause quoted, all of them required."""
    return " ".join('+"' + " ".join(clause.words) + '"' for clause in clauses)


def _words(text: str) -> list[str]:
    return [word[:MAX_WORD_CHARS] for word in _WORD.findall(text)]


def _unique(clauses: list[Clause]) -> list[Clause]:
    seen: set[tuple[str, ...]] = set()
    kept = []
    for clause in clauses:
        key = tuple(word.casefold() for word in clause.words)
        if key not in seen:
            seen.add(key)
            kept.append(clause)
    return kept
