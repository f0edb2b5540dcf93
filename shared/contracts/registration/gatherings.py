"""Requests and replies of the events with parts (issue 14), `rpc.registration.*_gathering*`.

The API calls them events (`/v1/events`); the code calls them gatherings, so that they are not
confused with the bus's events. A gathering groups sessions (its parts: each session whose
`event_id` names it) and may be an edition of a series, itself a gathering of kind `series`
that the editions name in `series_id`. Registration is either kept by each part
(`per_part`) or done once for the whole gathering (`whole_event`), which registers the person
in every published part.

Historic gatherings held before this system have no registrations to count: the secretariat
enters what the reports say in `reported`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from shared.contracts.exact import JsonInt, TextDate
from shared.contracts.registration.events import LanguageMap, TitleMap
from shared.contracts.registration.programme import (
    Institution,
    Iso2,
    Line,
    Shape,
    TextMap,
    Venue,
)
from shared.contracts.registration.rpc import RegisterReply, RegistrationForm, SessionView
from shared.reference import LanguageCode, TopicCode

GatheringKind = Literal["seminar", "conference", "congress", "course", "workshop", "meeting",
                        "series", "other"]
GatheringStatus = Literal["draft", "published", "cancelled"]
RegistrationMode = Literal["per_part", "whole_event"]
DatePrecision = Literal["day", "month", "year"]
"""How much of `starts_on`/`ends_on` is known: a report may say only "September 2004"
(`month`: the day is not to be shown)."""
GatheringId = Annotated[str, StringConstraints(max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]


class Edition(Shape):
    """The place of a gathering in its series: the number, and the label it was known by."""

    number: JsonInt = Field(ge=1, le=1000)
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=20)] | None = Field(
        None, description="As printed, e.g. 'III'.")


class Reported(Shape):
    """Figures the secretariat enters from a report, for gatherings held before this system
    (or whose people did not register here)."""

    participants: JsonInt | None = Field(None, ge=0, le=1_000_000)
    countries: list[Iso2] = Field(default_factory=list, max_length=60,
                                  description="ISO codes of the countries represented.")
    institutions: JsonInt | None = Field(
        None, ge=0, le=10_000, description="Institutions represented besides the countries "
        "(multilateral and others).")


class GatheringFields(Shape):
    """Everything a gathering may set; all optional so that a PATCH can reuse it."""

    title: TitleMap | None = None
    summary: LanguageMap | None = None
    kind: GatheringKind | None = None
    organisers: list[Institution] | None = Field(None, max_length=20)
    partners: list[Institution] | None = Field(None, max_length=40)
    venue: Venue | None = None
    topics: list[TopicCode] | None = Field(None, max_length=16)
    countries: list[Iso2] | None = Field(None, max_length=60)
    keywords: list[Line] | None = Field(None, max_length=40)
    rationale: TextMap | None = None
    agreements: list[TextMap] | None = Field(
        None, max_length=30, description="What was agreed, one entry per agreement.")
    registration: RegistrationMode | None = Field(
        None, description="`per_part` (default): each part keeps its own registration. "
        "`whole_event`: one registration for every part.")
    series_id: GatheringId | None = Field(None, description="The series (a gathering of kind "
                                          "`series`) this is an edition of.")
    edition: Edition | None = None
    starts_on: TextDate | None = Field(None, description="When the parts do not say (a gathering "
                                   "held before this system).")
    ends_on: TextDate | None = None
    date_precision: DatePrecision | None = None
    timezone: str | None = Field(None, max_length=64)
    reported: Reported | None = None


class CreateGathering(Shape):
    fields: GatheringFields


class PatchGathering(Shape):
    gathering_id: GatheringId
    fields: GatheringFields


class GatheringRef(Shape):
    gathering_id: GatheringId
    include_drafts: bool = Field(False, description="The secretariat's read: drafts too.")
    lang: LanguageCode | None = None


class GatheringQuery(Shape):
    limit: int = Field(50, ge=1, le=200)
    after: str | None = Field(None, max_length=64, description="The `last` of the previous "
                              "page, given back as is: compared as a string, any is safe.")
    published_only: bool = True


class RegisterForGathering(Shape):
    gathering_id: GatheringId
    form: RegistrationForm


class GatheringView(BaseModel):
    """A gathering as the API answers it."""

    id: str
    status: GatheringStatus
    kind: GatheringKind
    title: LanguageMap
    summary: LanguageMap
    organisers: list[dict[str, object]]
    partners: list[dict[str, object]]
    venue: dict[str, object] | None
    topics: list[TopicCode]
    countries: list[str]
    keywords: list[str]
    rationale: LanguageMap
    agreements: list[LanguageMap]
    registration: RegistrationMode
    series_id: str | None
    edition: Edition | None
    starts_on: date | None = Field(description="Declared, or the first part's local date.")
    ends_on: date | None
    date_precision: DatePrecision
    timezone: str | None
    reported: Reported | None
    provenance: dict[str, object] | None = Field(
        None, description="While a draft (only the secretariat sees drafts): the system that "
        "announced it on `ingest.registration.<source>.event.v1`.")


class GatheringPage(BaseModel):
    items: list[GatheringView]
    last: str | None


class EditionSummary(BaseModel):
    """Another edition of the same series, as its page links it."""

    id: str
    title: LanguageMap
    edition: Edition | None
    starts_on: date | None
    ends_on: date | None
    date_precision: DatePrecision
    city: str | None
    country: str | None


class GatheringStats(BaseModel):
    """Registrations and attendance over the parts: each person once (by address), however
    many parts they registered for; country cells under `suppressed_below` hidden (null), as
    in `/v1/stats/registration`. `reported`: the figures entered from a report."""

    parts: int
    registered: int
    attended: int
    countries: int
    by_country: dict[str, int | None]
    suppressed_below: int
    reported: Reported | None


class GatheringDetail(BaseModel):
    """A gathering's page: itself, its parts in time order, the series' other editions (the
    series' editions, for a series) and its numbers. With `lang`, `title_text` and
    `summary_text` are in that language, or the first of es, en, pt, fr it has."""

    event: GatheringView
    parts: list[SessionView]
    editions: list[EditionSummary]
    statistics: GatheringStats
    lang: LanguageCode | None = None
    title_text: str | None = None
    summary_text: str | None = None


class PartRefused(BaseModel):
    code: str
    message: str


class PartRegistered(BaseModel):
    """One part's outcome: a registration as the part's own rules placed it (confirmed,
    waitlisted when full, ...), an address already registered there (`created` false, its
    owner mailed), or the part's refusal."""

    session_id: str
    starts_at: datetime
    created: bool
    registration_id: str | None = None
    status: str | None = None
    waitlist_position: int | None = None
    confirm_by: datetime | None = None
    refused: PartRefused | None = None

    @classmethod
    def of(cls, session_id: str, starts_at: datetime, reply: RegisterReply) -> PartRegistered:
        """The outcome of registering for one part."""
        return cls(session_id=session_id, starts_at=starts_at, created=reply.created,
                   registration_id=reply.registration_id, status=reply.status,
                   waitlist_position=reply.waitlist_position, confirm_by=reply.confirm_by)


class GatheringRegistered(BaseModel):
    event_id: str
    parts: list[PartRegistered]
