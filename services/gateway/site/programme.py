"""A session's programme as its page shows it: the agenda's blocks and slots with their local
times, the people with their roles, the venue, organisers and partners, all in the reader's
language. Only wording and formatting: the session service decides what the programme holds.

Agenda times are shown in the session's own zone (labelled on the page), as an agenda is
printed; the session's start and end are also shown in the reader's zone above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_interval

from services.gateway.site.formatting import Reader, aware, zone
from services.gateway.site.i18n import gettext as _
from services.gateway.site.render import pick
from shared.contracts.catalog.search import SearchHit
from shared.contracts.registration.rpc import SessionView
from shared.reference import member_state


def role_label(role: str) -> str:
    """A person's part in a slot, in the current language."""
    labels = {"speaker": _("Speaker"), "moderator": _("Moderator"),
              "coordinator": _("Coordinator"), "commentator": _("Commentator")}
    return labels.get(role, role)


def kind_label(kind: str) -> str:
    """What a slot is, in the current language (shown when it has no title)."""
    labels = {"opening": _("Opening"), "presentation": _("Presentation"), "panel": _("Panel"),
              "discussion": _("Discussion"), "questions": _("Questions and answers"),
              "break": _("Break"), "closing": _("Closing")}
    return labels.get(kind, kind)


def country_name(code: str | None, lang: str) -> str:
    """A member state's name from the reference data, any other country's from CLDR."""
    if not code:
        return ""
    state = member_state(code.upper())
    if state is not None:
        return state.name.for_language(lang)
    return str(Locale.parse(lang).territories.get(code.upper(), code.upper()))


@dataclass(frozen=True)
class Text:
    """A text and the language it is in (which may not be the page's)."""

    text: str
    lang: str


@dataclass(frozen=True)
class Part:
    name: str
    role: str
    institution: str
    country: str


@dataclass(frozen=True)
class SlotView:
    day: str | None
    """The day, written only when it differs from the previous slot's."""
    starts_at: datetime
    hours: str
    title: Text
    parts: list[Part]


@dataclass
class BlockView:
    title: Text
    slots: list[SlotView] = field(default_factory=list)


def _text(texts: Mapping[Any, str] | None, lang: str) -> Text:
    found, code = pick(texts or {}, lang)
    return Text(found, code)


def _parts(slot: Mapping[str, Any], people: Mapping[str, Mapping[str, Any]],
           lang: str) -> list[Part]:
    parts = []
    for part in slot.get("people", []):
        person = people.get(part.get("person", ""), {})
        parts.append(Part(person.get("name") or part.get("person", ""),
                          role_label(part.get("role", "speaker")),
                          person.get("institution") or "",
                          country_name(person.get("country"), lang)))
    return parts


def agenda(session: SessionView, reader: Reader) -> list[BlockView]:
    """The blocks of the agenda, each slot with its hours in the session's zone."""
    place = zone(session.timezone) or UTC
    people = {p["key"]: p for p in session.people if p.get("key")}
    blocks, day = [], None
    for block in session.agenda:
        shown = BlockView(_text(block.get("title"), reader.lang))
        for slot in block.get("slots", []):
            start = aware(_instant(slot["starts_at"])).astimezone(place)
            end = aware(_instant(slot["ends_at"])).astimezone(place)
            new_day = format_date(start, "full", locale=reader.lang)
            title = _text(slot.get("title"), reader.lang)
            if not title.text:
                title = Text(kind_label(slot.get("kind", "")), reader.lang)
            shown.slots.append(SlotView(
                new_day if new_day != day else None, start,
                format_interval(start, end, "Hm", tzinfo=place, locale=reader.lang), title,
                _parts(slot, people, reader.lang)))
            day = new_day
        blocks.append(shown)
    return blocks


def _instant(value: datetime | str) -> datetime:
    """Slot times come as datetimes from the model, or ISO text from older replies."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def institution_name(institution: Mapping[str, Any], lang: str) -> str:
    """An organiser or partner by name; a member state's agency by its reference name and
    country."""
    if agency := institution.get("agency"):
        state = member_state(str(agency).upper())
        if state is not None:
            return f"{state.agency} ({state.name.for_language(lang)})"
    name = institution.get("name") or ""
    if institution.get("acronym"):
        name = f"{name} ({institution['acronym']})" if name else institution["acronym"]
    if institution.get("country"):
        name = f"{name}, {country_name(institution['country'], lang)}"
    return str(name)


def _institution(institution: Mapping[str, Any], lang: str) -> dict[str, str | None]:
    return {"name": institution_name(institution, lang), "url": institution.get("url")}


def venue_lines(venue: Mapping[str, Any], lang: str) -> list[str]:
    """Place and room, address, city and country of a physical venue; [] online."""
    if venue.get("mode", "online") == "online":
        return []
    first = ", ".join(v for v in (venue.get("place"), venue.get("room")) if v)
    last = ", ".join(v for v in (venue.get("city"), country_name(venue.get("country"), lang))
                     if v)
    return [line for line in (first, venue.get("address") or "", last) if line]


def feed_links(base_url: str, topic: str, language: str) -> dict[str, str]:
    """The calendar feed with a list's filters, over https and as a `webcal://`
    subscription (which calendar apps open as "subscribe")."""
    query = urlencode([(k, v) for k, v in (("topic", topic), ("lang", language)) if v])
    https = f"{base_url.rstrip('/')}/sessions/calendar.ics" + (f"?{query}" if query else "")
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def programme_context(session: SessionView, reader: Reader, base_url: str,
                      materials: Sequence[SearchHit] | None = ()) -> dict[str, Any]:
    """What session.html needs beside the session and its form: the programme, the
    materials (None: the catalog could not say) and the feed to subscribe to."""
    lang = reader.lang
    parent = session.parent_event
    return {
        "materials": materials,
        "feed": feed_links(base_url, "", lang),
        "agenda": agenda(session, reader),
        "venue_mode": session.venue.get("mode", "online"),
        "venue_lines": venue_lines(session.venue, lang),
        "parent_event": ({"name": _text(parent.get("name"), lang), "url": parent.get("url")}
                         if parent else None),
        "organisers": [_institution(i, lang) for i in session.organisers],
        "partners": [_institution(i, lang) for i in session.partners],
        "rationale": _text(session.rationale, lang),
        "objectives": [_text(o, lang) for o in session.objectives],
    }
