"""Gatherings (the API's events) as data: what a new one holds, the rules an edit must keep,
publishing, and the numbers over their parts. No I/O: handlers load, call these, and save.

A gathering names no sessions: its parts are the sessions whose `event_id` names it, so a
session is moved between gatherings by editing the session alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.registration.domain import Document
from services.registration.domain.errors import Refusal, field_refusal
from services.registration.domain.rules import (
    SUPPRESS_BELOW,
    has_a_spanish_or_english_or_other_title,
    suppress_small,
    timezone_is_valid,
)
from shared.contracts.registration.gatherings import GatheringFields, GatheringStats, Reported

DEFAULTS: dict[str, Any] = {
    "summary": {}, "organisers": [], "partners": [], "venue": None, "topics": [],
    "countries": [], "keywords": [], "rationale": {}, "agreements": [],
    "registration": "per_part", "series_id": None, "edition": None, "starts_on": None,
    "ends_on": None, "date_precision": "day", "timezone": None, "reported": None,
}
REQUIRED = ("title", "kind")
SHOWN_STATUSES = ("published", "cancelled")
"""Statuses the public may read; a draft is the secretariat's."""


def given(fields: GatheringFields) -> dict[str, Any]:
    """The fields a request sets. Dates are kept as ISO strings: BSON has no date type."""
    values = fields.model_dump(exclude_unset=True, exclude_none=True)
    for name in ("starts_on", "ends_on"):
        if name in values:
            values[name] = values[name].isoformat()
    return values


def new_gathering(gathering_id: str, fields: GatheringFields, now: datetime) -> Document:
    """A draft gathering; refused (naming the field) if incomplete or inconsistent."""
    values = {**DEFAULTS, **given(fields)}
    missing = [name for name in REQUIRED if values.get(name) is None]
    if missing:
        raise Refusal("invalid", "Missing fields: " + ", ".join(missing),
                      {"errors": [{"loc": [m], "msg": "required"} for m in missing]})
    check(values)
    return {"_id": gathering_id, "status": "draft", **values, "rev": 0,
            "created_at": now, "updated_at": now}


def patched(gathering: Document, fields: GatheringFields, now: datetime) -> Document:
    """The whole gathering after an edit; refused if the result breaks a rule."""
    after = {**gathering, **given(fields), "updated_at": now, "rev": gathering["rev"] + 1}
    check(after)
    return after


def check(values: Mapping[str, Any]) -> None:
    """Refuse (`invalid`, naming the field) settings that contradict each other."""
    if not has_a_spanish_or_english_or_other_title(values["title"]):
        raise field_refusal("title", "A title in at least one of es, en, pt, fr is required.")
    if values.get("timezone") is not None and not timezone_is_valid(values["timezone"]):
        raise field_refusal("timezone", "Not an IANA time zone name.")
    if not dates_are_in_order(values.get("starts_on"), values.get("ends_on")):
        raise field_refusal("ends_on", "The event must end on or after the day it starts.")
    if edition_lacks_its_series(values):
        raise field_refusal("edition", "An edition needs the `series_id` of its series.")
    if values["kind"] == "series" and values.get("series_id") is not None:
        raise field_refusal("series_id", "A series is not an edition of another series.")


def dates_are_in_order(starts_on: str | None, ends_on: str | None) -> bool:
    """No end before the start (either may be unknown)."""
    return starts_on is None or ends_on is None or ends_on >= starts_on


def edition_lacks_its_series(values: Mapping[str, Any]) -> bool:
    """An edition number means nothing outside a series."""
    return values.get("edition") is not None and values.get("series_id") is None


def may_be_a_series(gathering: Mapping[str, Any] | None) -> bool:
    """Whether `series_id` may name this gathering: it exists and is a series."""
    return gathering is not None and gathering["kind"] == "series"


def is_shown(gathering: Mapping[str, Any], *, include_drafts: bool) -> bool:
    """Whether the caller may read it: a draft only the secretariat."""
    return include_drafts or gathering["status"] in SHOWN_STATUSES


def registers_as_a_whole(gathering: Mapping[str, Any]) -> bool:
    """One registration for every part, not one per part."""
    return gathering.get("registration") == "whole_event"


def published(now: datetime) -> dict[str, Any]:
    return {"status": "published", "published_at": now, "updated_at": now}


def span(gathering: Mapping[str, Any], parts: Iterable[Mapping[str, Any]]
         ) -> tuple[date | None, date | None]:
    """The first and last day: as declared, else the local dates of the first part's start
    and the last part's end (each in the part's own time zone)."""
    starts = [_local_day(p["starts_at"], p["timezone"]) for p in parts]
    ends = [_local_day(p["ends_at"], p["timezone"]) for p in parts]
    declared_start, declared_end = gathering.get("starts_on"), gathering.get("ends_on")
    first = date.fromisoformat(declared_start) if declared_start else min(starts, default=None)
    last = date.fromisoformat(declared_end) if declared_end else max(ends, default=None)
    return first, last


def _local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def statistics(part_count: int, registrations: Iterable[Mapping[str, Any]],
               reported: Mapping[str, Any] | None) -> GatheringStats:
    """Registered and attended people over the parts, each counted once by address (an
    anonymised registration counts as its own person), by country with small cells hidden."""
    country_of: dict[str, str] = {}
    attended: set[str] = set()
    for registration in registrations:
        person = registration["email_key"]
        country_of.setdefault(person, registration["country"])
        if registration.get("attendance") == "attended":
            attended.add(person)
    by_country: dict[str, int] = {}
    for country in country_of.values():
        by_country[country] = by_country.get(country, 0) + 1
    return GatheringStats(
        parts=part_count, registered=len(country_of), attended=len(attended),
        countries=len(by_country), by_country=suppress_small(by_country),
        suppressed_below=SUPPRESS_BELOW,
        reported=Reported.model_validate(reported) if reported else None)


def localized(text: Mapping[str, str], lang: str | None) -> str | None:
    """`text` in `lang`, else in the first of es, en, pt, fr it has; None if empty."""
    for language in (lang, "es", "en", "pt", "fr"):
        if language is not None and text.get(language):
            return text[language]
    return None
