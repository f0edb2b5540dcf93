"""What a session holds beyond its times and seats (issue 14): its agenda of blocks and slots,
the people in them, its description, venue and organisers, and its attendance certificate rule.

These are the shapes the gateway, registration, catalog and notify agree on. The rules that tie
them to one session (slots inside its times and not overlapping within a block, people
referenced only if declared, a city for a physical venue) are the registration service's:
`services/registration/domain/agenda.py`. Only shape and range checks live here, so that a
request that breaks them is a 422 naming the field before it reaches the service.

Slot times: `starts_at`/`ends_at` are wall-clock times in the session's time zone when given
without an offset ("2022-11-24T12:35", as an agenda is printed), or instants when given with
one. The service stores instants and answers them in UTC, like the session's own times; a
reschedule moves every slot by the same amount as the session's start.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from shared.contracts.rpc import Request
from shared.reference import LanguageCode


class Shape(Request):
    """Base of these inputs: unknown keys refused (`Request`), surrounding spaces dropped."""

    model_config = ConfigDict(str_strip_whitespace=True)


Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40,
                                       pattern=r"^[a-z0-9][a-z0-9_-]*$")]
"""A short id the secretariat chooses, unique within its session (`jean-paul-guevara`,
`regional-experiences`), by which slots name people and materials name slots."""
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Iso2 = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True,
                                        pattern=r"^[A-Za-z]{2}$")]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000,
                                       pattern=r"^https?://\S+$")]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Paragraphs = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=5000)]
LineMap = dict[LanguageCode, Line]
"""A short text (a title) in one or more of es, en, pt, fr."""
TextMap = dict[LanguageCode, Paragraphs]
"""A longer text (a rationale, a bio) in one or more of es, en, pt, fr."""

Role = Literal["speaker", "moderator", "coordinator", "commentator"]
SlotKind = Literal["opening", "presentation", "panel", "discussion", "questions", "break",
                   "closing"]
VenueMode = Literal["online", "in_person", "hybrid"]


class Person(Shape):
    """Someone who speaks, moderates, coordinates or comments, declared once per session."""

    key: Key
    name: Name
    institution: Name | None = None
    country: Iso2 | None = None
    title: Name | None = Field(None, description="Position, e.g. 'Permanent Secretary'.")
    bio: TextMap = Field(default_factory=dict)


class Part(Shape):
    """A person's part in a slot."""

    person: Key = Field(description="The `key` of a person declared in `people`.")
    role: Role


class Slot(Shape):
    key: Key
    starts_at: datetime
    ends_at: datetime
    title: LineMap = Field(default_factory=dict)
    kind: SlotKind
    people: list[Part] = Field(default_factory=list, max_length=30)


class Block(Shape):
    """A titled part of the agenda ("Regional experiences") and its slots, in order."""

    key: Key
    title: LineMap = Field(default_factory=dict)
    slots: list[Slot] = Field(min_length=1, max_length=60)


class Institution(Shape):
    """An organiser or partner. `agency`: the national procurement agency of that member state,
    named from the reference data; otherwise `name` (and `country` if it has one)."""

    name: Name | None = None
    acronym: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=30)] | None = None
    country: Iso2 | None = None
    agency: Iso2 | None = Field(None, description="ISO code of a member state whose national "
                                "procurement agency this is.")
    url: Url | None = None


class ParentEvent(Shape):
    """The larger event a session is held within (a congress), which the network does not run."""

    name: LineMap = Field(min_length=1)
    url: Url | None = None


class Venue(Shape):
    """Where the session happens. In person or hybrid: `city` and `country` are required. The
    address is public; the join URL of an online or hybrid session stays secret (`join_url`)."""

    mode: VenueMode
    place: Name | None = Field(None, description="Building or centre.")
    room: Name | None = None
    address: Name | None = None
    city: Name | None = None
    country: Iso2 | None = None
