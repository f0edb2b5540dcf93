"""Dates, times, numbers and coded labels in the reader's language, from CLDR through Babel.

Nothing here hand-makes a month name or a date pattern: Babel carries the locale data of every
OAS language, and the reference data carries the labels of every code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import (
    format_date,
    format_datetime,
    format_interval,
    format_skeleton,
    format_time,
    get_timezone_location,
)
from babel.numbers import format_decimal, format_percent

from shared.reference import label as reference_label


def zone(name: str | None) -> tzinfo | None:
    """The IANA zone called `name`, or None if there is no such zone."""
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def aware(moment: datetime) -> datetime:
    """Times come back from services as UTC; a naive one is UTC too."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


UNIVERSAL = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal",
                       "Etc/Zulu", "Zulu", "UCT", "Etc/UCT", "Etc/GMT0", "GMT0"})


@dataclass(frozen=True)
class Reader:
    """Formats for one reader: their language and, when known, their time zone."""

    lang: str
    timezone: str | None = None

    def when(self, start: datetime, end: datetime, zone_name: str) -> str:
        """'Tuesday, January 12, 2027, 10:00 – 12:00' in `zone_name`."""
        place = zone(zone_name) or UTC
        first, last = aware(start).astimezone(place), aware(end).astimezone(place)
        if first.date() != last.date():
            return (f"{format_date(first, 'full', locale=self.lang)} "
                    f"{format_time(first, 'short', tzinfo=place, locale=self.lang)} – "
                    f"{format_date(last, 'full', locale=self.lang)} "
                    f"{format_time(last, 'short', tzinfo=place, locale=self.lang)}")
        hours = format_interval(first, last, "Hm", tzinfo=place, locale=self.lang)
        return f"{format_date(first, 'full', locale=self.lang)}, {hours}"

    def zone_label(self, zone_name: str) -> str:
        """The zone as people name it by place ('Panama Time', 'hora de Panamá')."""
        place = zone(zone_name)
        if place is None or zone_name in UNIVERSAL:
            return "UTC"  # CLDR names it by an 'unknown region', which helps nobody
        return get_timezone_location(place, locale=self.lang)

    def in_reader_zone(self, start: datetime, end: datetime) -> str | None:
        """The same interval in the reader's own zone, if we know it."""
        if zone(self.timezone) is None or self.timezone is None:
            return None
        return self.when(start, end, self.timezone)

    def moment(self, moment: datetime, zone_name: str | None = None,
                 format: str = "medium") -> str:
        """A moment in `zone_name` (UTC if none)."""
        return format_datetime(aware(moment), format, tzinfo=zone(zone_name) or UTC,
                               locale=self.lang)

    def date(self, day: date | datetime, format: str = "long") -> str:
        """A day, e.g. '3 de marzo de 2027'."""
        return format_date(day, format, locale=self.lang)

    def time(self, moment: datetime, zone_name: str | None = None) -> str:
        """A time of day in `zone_name`."""
        return format_time(aware(moment), "short", tzinfo=zone(zone_name) or UTC,
                           locale=self.lang)

    def month(self, year: int, month: int) -> str:
        """'marzo de 2027': the locale's own pattern for a month and year (CLDR skeleton)."""
        return format_skeleton("yMMMM", date(year, month, 1), locale=self.lang)

    def number(self, value: int | float) -> str:
        """Grouped the reader's way: 12.345 in Spanish, 12,345 in English."""
        return format_decimal(value, locale=self.lang)

    def percent(self, value: float) -> str:
        """A share, 0..1, as a percentage."""
        return format_percent(value, locale=self.lang)

    def label(self, vocabulary: str, code: str) -> str:
        """A code's label in the reader's language, or the code if it is unknown."""
        try:
            return reference_label(vocabulary, code, self.lang)
        except KeyError:
            return code
