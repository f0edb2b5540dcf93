"""A session's agenda: blocks of slots in time, and the people declared once and named in them.

Slot times arrive as an agenda is printed: wall-clock times in the session's time zone, unless
they carry an offset (then they are instants). They are stored as aware UTC instants, like the
session's own times, so that comparing, moving and showing them never needs the zone again.

Each check reports every fault it finds as `{"loc": [...path...], "msg": ...}`, the path being
the field inside the request (`["agenda", 1, "slots", 0, "starts_at"]`), so that one 422 tells
the secretariat everything to fix in a long agenda at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Fault = dict[str, Any]
"""One fault of a request: `loc` (the path of the field) and `msg` (what is wrong)."""


def fault(loc: Sequence[str | int], msg: str) -> Fault:
    return {"loc": list(loc), "msg": msg}


def instant(moment: datetime, timezone: str) -> datetime:
    """`moment` as an aware UTC datetime: without an offset it is the wall-clock time in
    `timezone` (a valid IANA name), with one it already is an instant."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def is_a_placeable_time(moment: datetime, timezone: str) -> bool:
    """Whether `moment` is an instant of the calendar's years 1 to 9999 in UTC too."""
    try:
        instant(moment, timezone)
    except OverflowError:
        return False
    return True


def unplaceable_times(agenda: Sequence[Mapping[str, Any]], timezone: str) -> list[Fault]:
    """The slot times that are no instant (checked before `agenda_in_utc`, which needs them)."""
    return [fault(["agenda", b, "slots", s, name], "This time is out of range.")
            for b, block in enumerate(agenda) for s, slot in enumerate(block["slots"])
            for name in ("starts_at", "ends_at")
            if not is_a_placeable_time(slot[name], timezone)]


def agenda_in_utc(agenda: Sequence[Mapping[str, Any]], timezone: str) -> list[dict[str, Any]]:
    """The agenda with every slot time an instant, and the optional parts filled in."""
    return [{**block, "title": block.get("title") or {},
             "slots": [{**slot, "title": slot.get("title") or {},
                        "people": list(slot.get("people") or []),
                        "starts_at": instant(slot["starts_at"], timezone),
                        "ends_at": instant(slot["ends_at"], timezone)}
                       for slot in block["slots"]]}
            for block in agenda]


def agenda_moved(agenda: Sequence[Mapping[str, Any]], delta: timedelta) -> list[dict[str, Any]]:
    """The agenda with every slot moved by `delta` (a reschedule moves the agenda with it)."""
    return [{**block, "slots": [{**slot, "starts_at": slot["starts_at"] + delta,
                                 "ends_at": slot["ends_at"] + delta}
                                for slot in block["slots"]]}
            for block in agenda]


def slot_ends_after_it_starts(slot: Mapping[str, Any]) -> bool:
    return bool(slot["ends_at"] > slot["starts_at"])


def slot_starts_within(slot: Mapping[str, Any], starts_at: datetime, ends_at: datetime) -> bool:
    return bool(starts_at <= slot["starts_at"] < ends_at)


def slot_ends_within(slot: Mapping[str, Any], starts_at: datetime, ends_at: datetime) -> bool:
    return bool(starts_at < slot["ends_at"] <= ends_at)


def slots_overlap(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Whether two slots share some time (one ending as the other starts does not)."""
    return bool(first["starts_at"] < second["ends_at"] and second["starts_at"] < first["ends_at"])


def repeated(keys: Sequence[str]) -> list[int]:
    """The positions of keys already used earlier in `keys`."""
    seen: set[str] = set()
    again = []
    for position, key in enumerate(keys):
        if key in seen:
            again.append(position)
        seen.add(key)
    return again


def person_is_declared(key: str, people: Sequence[Mapping[str, Any]]) -> bool:
    return any(person["key"] == key for person in people)


def people_faults(people: Sequence[Mapping[str, Any]]) -> list[Fault]:
    """Each person is declared once: keys unique."""
    return [fault(["people", i, "key"], "Another person of this session has this key.")
            for i in repeated([person["key"] for person in people])]


def agenda_faults(session: Mapping[str, Any]) -> list[Fault]:
    """Every fault of the (UTC) agenda of `session` against its times and people."""
    agenda = session.get("agenda") or []
    faults = [fault(["agenda", i, "key"], "Another block of this session has this key.")
              for i in repeated([block["key"] for block in agenda])]
    slots: list[tuple[list[str | int], Mapping[str, Any]]] = [
        (["agenda", b, "slots", s], slot)
        for b, block in enumerate(agenda) for s, slot in enumerate(block["slots"])]
    faults += [fault([*slots[i][0], "key"], "Another slot of this session has this key.")
               for i in repeated([slot["key"] for _, slot in slots])]
    for path, slot in slots:
        faults += list(_slot_faults(path, slot, session))
    for b, block in enumerate(agenda):
        faults += list(_overlaps(["agenda", b, "slots"], block["slots"]))
    return faults


def _slot_faults(path: list[str | int], slot: Mapping[str, Any],
                 session: Mapping[str, Any]) -> Iterator[Fault]:
    starts_at, ends_at = session["starts_at"], session["ends_at"]
    if not slot_ends_after_it_starts(slot):
        yield fault([*path, "ends_at"], "The slot must end after it starts.")
    if not slot_starts_within(slot, starts_at, ends_at):
        yield fault([*path, "starts_at"], "The slot starts outside the session's times.")
    if not slot_ends_within(slot, starts_at, ends_at):
        yield fault([*path, "ends_at"], "The slot ends outside the session's times.")
    for p, part in enumerate(slot["people"]):
        if not person_is_declared(part["person"], session.get("people") or []):
            yield fault([*path, "people", p, "person"],
                        f"No person with the key {part['person']!r} is declared in `people`.")


def _overlaps(path: list[str | int], slots: Sequence[Mapping[str, Any]]) -> Iterator[Fault]:
    """Each slot that overlaps an earlier one of its block, named by its start."""
    for s, slot in enumerate(slots):
        earlier = next((other for other in slots[:s] if slots_overlap(other, slot)), None)
        if earlier is not None:
            yield fault([*path, s, "starts_at"],
                        f"The slot overlaps the slot {earlier['key']!r} of the same block.")
