"""The words of a session's calendar entry in one language: its title, its description with
the agenda, and its location.

Texts a person reads come from gettext catalogs (`services/registration/locale/<lang>/
LC_MESSAGES/calendar.po`, English message ids, compiled in memory at first use like notify's
and the site's); times, zone names and country names from CLDR through Babel and the reference
data. Nothing here decides anything about the session: it only words what is stored.

Fallback of a text given as a language map: the language asked for, then the session's own
languages in their order, then es, en, pt, fr, so a calendar always gets a text and takes the
one the session is held in before any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_interval, get_timezone_location
from babel.support import Translations

from services.registration.wording import translations
from shared.contracts.registration.programme import Role, SlotKind
from shared.db import Document
from shared.reference import member_state

LANGUAGES = ("es", "en", "pt", "fr")
DOMAIN = "calendar"
FEED_NAME = "INGP Virtual Dialogues"
MESSAGES = (*get_args(Role), *get_args(SlotKind), FEED_NAME, "Programme (%(zone)s)",
            "Session page: %(url)s")
"""Every message id of the catalogs: the roles and slot kinds are their own English words."""
UNIVERSAL = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal"})


def catalog(language: str) -> Translations:
    """The calendar texts of `language`."""
    return translations(DOMAIN, language)


def t(language: str, message: str, **values: str) -> str:
    """`message` in `language`, its `%(placeholders)s` filled."""
    text = catalog(language).gettext(message)
    return text % values if values else text


def pick(texts: Mapping[str, str] | None, language: str, order: Iterable[str] = ()) -> str:
    """The text in `language`, else by the fallback order of the module docstring; "" if none."""
    texts = texts or {}
    for code in (language, *order, *LANGUAGES, *texts):
        if texts.get(code):
            return texts[code]
    return ""


def session_zone(name: str | None) -> tzinfo:
    """The session's zone; UTC if the name is unknown (it must not cost the calendar)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_label(name: str | None, language: str) -> str:
    """The zone as people name it by place ('hora de Bolivia'), or 'UTC'."""
    if not name or name in UNIVERSAL:
        return "UTC"
    zone = session_zone(name)
    return "UTC" if zone is UTC else get_timezone_location(zone, locale=language)


def as_utc(moment: datetime) -> datetime:
    """MongoDB answers naive datetimes that are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def country_name(code: str | None, language: str) -> str:
    """A member state's name from the reference data, any other country's from CLDR."""
    if not code:
        return ""
    state = member_state(code.upper())
    if state is not None:
        return state.name.for_language(language)
    return str(Locale.parse(language).territories.get(code.upper(), code.upper()))


def location(venue: Mapping[str, Any] | None, language: str) -> str | None:
    """Place, room, address, city and country of an in-person or hybrid venue; None online."""
    if not venue or venue.get("mode", "online") == "online":
        return None
    parts = [venue.get(name) for name in ("place", "room", "address", "city")]
    parts.append(country_name(venue.get("country"), language))
    return ", ".join(str(part) for part in parts if part) or None


def people_of(slot: Mapping[str, Any], people: Mapping[str, Mapping[str, Any]],
              language: str) -> str:
    """'Ana Pérez, ChileCompra (moderator); ...' for the people of a slot."""
    named = []
    for part in slot.get("people", []):
        person = people.get(part.get("person", ""), {})
        who = ", ".join(p for p in (person.get("name") or part.get("person"),
                                    person.get("institution")) if p)
        named.append(f"{who} ({t(language, part.get('role', 'speaker'))})")
    return "; ".join(named)


def agenda_lines(session: Document, language: str) -> list[str]:
    """The agenda as lines: each block's title, then each slot's times, title and people,
    with the day written whenever it changes (an event over several days)."""
    blocks = session.get("agenda") or []
    if not blocks:
        return []
    order = session.get("languages", [])
    zone_name = session.get("timezone")
    zone = session_zone(zone_name)
    people = {p["key"]: p for p in session.get("people") or [] if p.get("key")}
    lines = [t(language, "Programme (%(zone)s)", zone=zone_label(zone_name, language))]
    day = None
    for block in blocks:
        lines += ["", pick(block.get("title"), language, order).upper() or "—"]
        for slot in block.get("slots", []):
            start = as_utc(slot["starts_at"]).astimezone(zone)
            end = as_utc(slot["ends_at"]).astimezone(zone)
            if start.date() != day:
                day = start.date()
                lines.append(format_date(start, "full", locale=language))
            hours = format_interval(start, end, "Hm", tzinfo=zone, locale=language)
            title = pick(slot.get("title"), language, order) or t(language, slot.get("kind", ""))
            lines.append(f"{hours}  {title}")
            if who := people_of(slot, people, language):
                lines.append(f"    {who}")
    return lines


def description(session: Document, language: str, url: str | None) -> str:
    """The summary, the agenda and where to read more: what a calendar shows of the session."""
    order = session.get("languages", [])
    parts = [pick(session.get("summary"), language, order)]
    parts.append("\n".join(agenda_lines(session, language)))
    if url:
        parts.append(t(language, "Session page: %(url)s", url=url))
    return "\n\n".join(part for part in parts if part)
