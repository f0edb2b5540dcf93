"""A session's people and agenda written in the desk's line format (`sessions_agenda_text`),
to pre-fill the agenda page, and as a timetable for the session's page.

Slot times come from the service as UTC instants (ISO text or datetimes) and are written on
the session's wall clock; a time without an offset is taken as already on that clock (as the
parser's own output is), so that `parse(render(x))` gives `x` back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Final

from services.gateway.site.render import pick
from services.gateway.staff.pages.sessions_agenda_text import LANGS, N_

KIND_LABELS: Final[dict[str, str]] = {
    "opening": N_("Opening"), "presentation": N_("Presentation"), "panel": N_("Panel"),
    "discussion": N_("Discussion"), "questions": N_("Questions and answers"),
    "break": N_("Break"), "closing": N_("Closing")}
"""What each kind of slot is called (msgids), for the hint and the timetable."""
ROLE_LABELS: Final[dict[str, str]] = {
    "speaker": N_("Speaker"), "moderator": N_("Moderator"), "coordinator": N_("Coordinator"),
    "commentator": N_("Commentator")}


def local(value: str | datetime, place: tzinfo) -> datetime:
    """A slot time on the session's wall clock (naive)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is not None:
        moment = moment.astimezone(place).replace(tzinfo=None)
    return moment


def written_map(texts: Mapping[str, str]) -> str:
    """{lang: text} as `es: ... / en: ...`, in the order es, en, pt, fr."""
    return " / ".join(f"{lang}: {texts[lang]}" for lang in LANGS if texts.get(lang))


def render_people(people: Sequence[Mapping[str, Any]]) -> str:
    """One line a person: key | name | institution | country | title (empty ends left out)."""
    lines = []
    for person in people:
        cells = [person["key"], person["name"], person.get("institution") or "",
                 person.get("country") or "", person.get("title") or ""]
        while cells[-1] == "":
            cells.pop()
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def _times(slot: Mapping[str, Any], place: tzinfo, first_day: date) -> str:
    starts, ends = local(slot["starts_at"], place), local(slot["ends_at"], place)
    start = f"{starts:%H:%M}" if starts.date() == first_day else f"{starts:%Y-%m-%d %H:%M}"
    end = f"{ends:%H:%M}" if ends.date() == starts.date() else f"{ends:%Y-%m-%d %H:%M}"
    return f"{start}-{end}"


def _slot_line(slot: Mapping[str, Any], place: tzinfo, first_day: date) -> str:
    title = written_map(slot.get("title") or {})
    parts = ", ".join(f"{p['role']}: {p['person']}" for p in slot.get("people") or [])
    cells = [_times(slot, place, first_day), slot["kind"]]
    if title or parts:
        cells.append(title)
    if parts or "|" in title:
        cells.append(parts)
    return f"{' | '.join(cells)} [{slot['key']}]"


def render_agenda(agenda: Sequence[Mapping[str, Any]], place: tzinfo, first_day: date) -> str:
    """Each block as a `#` heading and its slots below it, a blank line between blocks."""
    blocks = []
    for block in agenda:
        title = written_map(block.get("title") or {})
        heading = f"# {title} [{block['key']}]" if title else f"# [{block['key']}]"
        blocks.append("\n".join([heading, *(_slot_line(slot, place, first_day)
                                             for slot in block["slots"])]))
    return "\n\n".join(blocks)


@dataclass(frozen=True)
class TimetableSlot:
    day: str | None
    """The date (ISO), only on a slot whose day differs from the one before."""
    hours: str
    title: str
    kind: str
    """The msgid of its kind, translated by the page."""
    people: list[tuple[str, str]]
    """(name, msgid of the role)."""


@dataclass(frozen=True)
class TimetableBlock:
    title: str
    slots: list[TimetableSlot]


def timetable(agenda: Sequence[Mapping[str, Any]], people: Sequence[Mapping[str, Any]],
              place: tzinfo, lang: str) -> list[TimetableBlock]:
    """The agenda as the session's page shows it: local times, titles in `lang` if written."""
    names = {person["key"]: person["name"] for person in people}
    blocks, day = [], None
    for block in agenda:
        slots = []
        for slot in block["slots"]:
            starts, ends = local(slot["starts_at"], place), local(slot["ends_at"], place)
            shown_day = None if starts.date() == day else starts.date().isoformat()
            day = starts.date()
            slots.append(TimetableSlot(
                shown_day, f"{starts:%H:%M}–{ends:%H:%M}", pick(slot.get("title") or {}, lang)[0],
                KIND_LABELS.get(slot["kind"], slot["kind"]),
                [(names.get(p["person"], p["person"]), ROLE_LABELS.get(p["role"], p["role"]))
                 for p in slot.get("people") or []]))
        blocks.append(TimetableBlock(pick(block.get("title") or {}, lang)[0], slots))
    return blocks
