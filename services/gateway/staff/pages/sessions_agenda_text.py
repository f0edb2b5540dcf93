"""A session's people and agenda as two plain texts the secretariat types, and back.

The desk edits them without JavaScript, so each is a textarea in a line format (shown in the
page's hints; `render_people`/`render_agenda` in `sessions_agenda_render` write the same):

    a person:  key | name | institution | country | title
    a block:   # es: Experiencias regionales / en: Regional experiences [regional]
    a slot:    09:00-09:15 | opening | en: Welcome | speaker: ana, moderator: luis [welcome]

A title is `xx: text` per language joined by ` / ` (a ` / ` not followed by a language code
stays in the text); a title without any code is in the session's first language. A key in
brackets at the end of a line is optional: one is made from the title (or the name) so that
materials and translations keep naming the same slot after later edits. Times are wall-clock
times of the session's zone on the session's first day, or after a `YYYY-MM-DD` prefix; they
go to the service without an offset, which reads them in the session's zone.

Pure functions: every fault is a `Problem` naming its field and line, so the page can show
"Line 4: ..." in the reader's language. This module holds the shared parts and the people;
`sessions_agenda_slots` the agenda and the mapping of the service's 422 paths
(`agenda.1.slots.0.starts_at`) back to the line that made that slot.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Final, get_args

from shared.contracts.registration.programme import Role, SlotKind
from shared.reference import LanguageCode

LANGS: Final = get_args(LanguageCode)
KINDS: Final = get_args(SlotKind)
ROLES: Final = get_args(Role)
KEY: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
TRAILING_KEY: Final = re.compile(r"\s*\[([^\[\]]*)\]$")
LANGUAGE_START: Final = re.compile(r"^(es|en|pt|fr):\s*")
LANGUAGE_SPLIT: Final = re.compile(r"\s+/\s+(?=(?:es|en|pt|fr):)")
DAY: Final = r"(?:(\d{4}-\d{2}-\d{2})\s+)?"
TIMES: Final = re.compile(rf"^{DAY}(\d{{1,2}}:\d{{2}})\s*-\s*{DAY}(\d{{1,2}}:\d{{2}})$")
COUNTRY: Final = re.compile(r"^[A-Za-z]{2}$")


def N_(message: str) -> str:
    """Mark a message for extraction; the page translates it."""
    return message


@dataclass(frozen=True)
class Problem:
    """A fault of one line of one textarea: `message` is a msgid with `%(line)s` and the
    `params` (line 0: a fault of the whole field)."""

    name: str
    """The textarea: `people` or `agenda`."""
    line: int
    message: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Parsed:
    """The people and agenda as `SessionFields` takes them, with where each came from."""

    people: list[dict[str, Any]] = field(default_factory=list)
    agenda: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    """The line of each person (`("people", i)`), block and slot (`("agenda", b, "slots", s)`)."""


def slug(text: str) -> str:
    """A key made from a name or title: ascii letters and digits joined by dashes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40].strip("-")


def unique(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `-3`... if taken; recorded as taken."""
    key, n = wanted, 1
    while key in taken:
        n += 1
        key = f"{wanted[:36]}-{n}"
    taken.add(key)
    return key


def language_map(text: str, default_lang: str) -> dict[str, str] | None:
    """`es: ... / en: ...` as {lang: text}; a text without codes is in `default_lang`;
    None when a language is given twice or a language's text is empty."""
    if not text:
        return {}
    if not LANGUAGE_START.match(text):
        return {default_lang: text}
    texts: dict[str, str] = {}
    for part in LANGUAGE_SPLIT.split(text):
        lang, _, said = part.partition(":")
        if lang in texts or not said.strip():
            return None
        texts[lang] = said.strip()
    return texts


def key_and_rest(line: str) -> tuple[str | None, str]:
    found = TRAILING_KEY.search(line)
    if found is None:
        return None, line
    return found.group(1).strip(), line[:found.start()].rstrip()


def parse_people(text: str, bios: dict[str, Any] | None = None) -> Parsed:
    """People from their lines, each with the bio it had (bios are edited through the API)."""
    parsed = Parsed()
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            cells = [c.strip() for c in raw.split("|")]
            rows.append((number, ["", *cells] if len(cells) == 1 else cells))
    taken = {cells[0] for _, cells in rows if cells[0]}
    for number, cells in rows:
        problem = _person_problem(cells)
        if problem:
            parsed.problems.append(Problem("people", number, problem))
            continue
        key, name, institution, country, title = (cells + [""] * 5)[:5]
        person = {"key": key or unique(slug(name) or "person", taken), "name": name,
                  "institution": institution or None, "country": country.upper() or None,
                  "title": title or None, "bio": (bios or {}).get(key or "", {})}
        parsed.lines[("people", len(parsed.people))] = number
        parsed.people.append(person)
    return parsed


def _person_problem(cells: list[str]) -> str | None:
    if len(cells) > 5:
        return N_("Line %(line)s: a person has at most five parts: key | name | institution "
                  "| country | title.")
    if cells[0] and not KEY.match(cells[0]):
        return N_("Line %(line)s: a key is up to 40 small letters, digits and dashes, or "
                  "empty.")
    if len(cells) < 2 or not cells[1]:
        return N_("Line %(line)s: the name is missing.")
    if len(cells) > 3 and cells[3] and not COUNTRY.match(cells[3]):
        return N_("Line %(line)s: the country is a two-letter ISO code, such as AR.")
    return None
