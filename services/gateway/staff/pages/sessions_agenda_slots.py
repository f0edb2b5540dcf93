"""A session's agenda from the lines the secretariat types (the format is described in
`sessions_agenda_text`), and the service's refusals mapped back to those lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, Final

from services.gateway.staff.pages.sessions_agenda_text import (
    KEY,
    KINDS,
    N_,
    ROLES,
    TIMES,
    Parsed,
    Problem,
    key_and_rest,
    language_map,
    slug,
    unique,
)

FORMAT: Final = N_("Line %(line)s: a slot is written as start-end | kind | title | people, "
                   "such as 09:00-09:15 | opening | Welcome | speaker: ana.")


class LineFault(ValueError):
    """A line that cannot be read; its message is a msgid with `%(line)s` and `params`."""

    def __init__(self, message: str, **params: str) -> None:
        super().__init__(message)
        self.message, self.params = message, params


def parse_agenda(text: str, first_day: date, default_lang: str,
                 declared: set[str]) -> Parsed:
    """The agenda's blocks and slots from `text`; people must be among `declared`."""
    parsed = Parsed()
    blocks: list[dict[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        try:
            if line.startswith("#"):
                blocks.append(_block(number, line[1:].strip(), default_lang))
                continue
            if not blocks:
                blocks.append({"line": number, "key": None, "title": {}, "slots": []})
            blocks[-1]["slots"].append(_slot(number, line, first_day, default_lang, declared))
        except LineFault as fault:
            parsed.problems.append(Problem("agenda", number, fault.message, fault.params))
    parsed.problems += [Problem("agenda", b["line"], N_(
        "Line %(line)s: this part has no slots; write its slots on the lines below it."))
        for b in blocks if not b["slots"]]
    _name_everything(blocks, default_lang)
    for b, block in enumerate(blocks):
        parsed.lines[("agenda", b)] = block.pop("line")
        for s, slot in enumerate(block["slots"]):
            parsed.lines[("agenda", b, "slots", s)] = slot.pop("line")
    parsed.agenda = blocks
    return parsed


def _title(text: str, default_lang: str) -> dict[str, str]:
    title = language_map(text, default_lang)
    if title is None:
        raise LineFault(N_("Line %(line)s: give each language of the title once, as "
                           "es: ... / en: ..."))
    return title


def _key(text: str | None) -> str | None:
    if text is not None and not KEY.match(text):
        raise LineFault(N_("Line %(line)s: a key in brackets is up to 40 small letters, "
                           "digits and dashes."))
    return text


def _block(number: int, heading: str, default_lang: str) -> dict[str, Any]:
    key, rest = key_and_rest(heading)
    return {"line": number, "key": _key(key), "title": _title(rest, default_lang), "slots": []}


def _slot(number: int, line: str, first_day: date, default_lang: str,
          declared: set[str]) -> dict[str, Any]:
    key, rest = key_and_rest(line)
    cells = [c.strip() for c in rest.split("|")]
    if len(cells) < 2:
        raise LineFault(FORMAT)
    starts_at, ends_at = _times(cells[0], first_day)
    kind = cells[1].lower()
    if kind not in KINDS:
        raise LineFault(N_("Line %(line)s: %(kind)s is not one of the kinds of slot listed "
                           "above the agenda."), kind=cells[1] or '""')
    title = "|".join(cells[2:-1]) if len(cells) > 3 else "".join(cells[2:])
    parts = _parts(cells[-1], declared) if len(cells) > 3 else []
    return {"line": number, "key": _key(key), "starts_at": starts_at, "ends_at": ends_at,
            "kind": kind, "title": _title(title.strip(), default_lang), "people": parts}


def _times(text: str, first_day: date) -> tuple[datetime, datetime]:
    found = TIMES.match(text)
    if found is None:
        if TIMES.match(f"{text.rstrip(' -')}-00:00") is not None:
            raise LineFault(N_("Line %(line)s: the end time is missing."))
        raise LineFault(N_("Line %(line)s: write the times as start-end in the session's "
                           "time zone, such as 09:00-09:15."))
    start_day, start, end_day, end = found.groups()
    starts_at = _moment(start_day, start, first_day)
    return starts_at, _moment(end_day, end, starts_at.date())


def _moment(day: str | None, clock: str, default_day: date) -> datetime:
    try:
        hours, minutes = (int(n) for n in clock.split(":"))
        return datetime.combine(date.fromisoformat(day) if day else default_day,
                                time(hours, minutes))
    except ValueError:
        raise LineFault(N_("Line %(line)s: %(time)s is not a date or time of day."),
                        time=f"{day or ''} {clock}".strip()) from None


def _parts(text: str, declared: set[str]) -> list[dict[str, str]]:
    """`speaker: ana, luis, moderator: eva`: a name without a role has the one before."""
    parts, role = [], ""
    for item in (i.strip() for i in text.split(",") if i.strip()):
        said, _, person = item.rpartition(":")
        role, person = (said.strip().lower() or role), person.strip()
        if role not in ROLES:
            raise LineFault(N_("Line %(line)s: give each person a role: %(roles)s."),
                            roles=", ".join(ROLES))
        if person not in declared:
            raise LineFault(N_("Line %(line)s: no one in People has the key %(key)s."),
                            key=person or '""')
        parts.append({"person": person, "role": role})
    return parts


def _name_everything(blocks: list[dict[str, Any]], default_lang: str) -> None:
    """Give each block and slot without a key one made from its title, unique in the session
    (keys typed are kept; made ones avoid them)."""
    block_keys = {b["key"] for b in blocks if b["key"]}
    slot_keys = {s["key"] for b in blocks for s in b["slots"] if s["key"]}
    for block in blocks:
        block["key"] = block["key"] or unique(_wanted(block["title"], default_lang) or "part",
                                              block_keys)
        for slot in block["slots"]:
            slot["key"] = slot["key"] or unique(
                _wanted(slot["title"], default_lang) or slot["kind"], slot_keys)


def _wanted(title: dict[str, str], default_lang: str) -> str:
    return slug(title.get(default_lang) or next(iter(title.values()), ""))


KNOWN: Final[dict[str, str]] = {
    "starts_at": N_("Line %(line)s: the slot starts outside the session's times or overlaps "
                    "another slot of its part."),
    "ends_at": N_("Line %(line)s: the slot must end after it starts and by the end of the "
                  "session."),
    "key": N_("Line %(line)s: another line has this key; give each its own."),
    "person": N_("Line %(line)s: name people by the keys given in People."),
    "title": N_("Line %(line)s: a title is up to 500 characters."),
    "name": N_("Line %(line)s: a name is up to 300 characters."),
    "institution": N_("Line %(line)s: an institution is up to 300 characters."),
}
ANY_LINE: Final = N_("Line %(line)s: check this line.")
WHOLE: Final = N_("The agenda could not be saved as it is: up to 30 parts of up to 60 slots "
                  "each, up to 30 people a slot and 100 people in all.")


def problem_at(loc: Sequence[str | int], lines: dict[tuple[str | int, ...], int]) -> Problem:
    """The refusal of the field at `loc` (the service's or the contract's) as a problem of
    the line that made that person, block or slot."""
    name = "people" if loc and loc[0] == "people" else "agenda"
    line = next((lines[tuple(loc[:n])] for n in range(len(loc), 0, -1)
                 if tuple(loc[:n]) in lines), 0)
    if not line:
        return Problem(name, 0, WHOLE)
    known = next((KNOWN[part] for part in reversed(loc) if isinstance(part, str)
                  and part in KNOWN), ANY_LINE)
    return Problem(name, line, known)
