"""Requests and replies of `rpc.registration.*`, between the gateway and the registration
service.

Inputs forbid unknown keys and reject any key shaped like a MongoDB operator (`$...`) or path
(`a.b`) anywhere in the request (`shared.contracts.rpc.Request`), so nothing of the kind can
reach a query even by mistake.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.addresses import MailAddress
from shared.contracts.exact import JsonBool, JsonInt, JsonNumber, TextDateTime
from shared.contracts.registration.desk import SOURCE_PATTERN, SessionListStatus, UnmatchedRow
from shared.contracts.registration.events import (
    Attendee,
    LanguageMap,
    RegistrationStatus,
    TitleMap,
)
from shared.contracts.registration.programme import (
    Block,
    Institution,
    Line,
    ParentEvent,
    Person,
    TextMap,
    Venue,
)
from shared.contracts.registration.programme import (
    Iso2 as CountryCode,
)
from shared.contracts.rpc import Request
from shared.reference import LanguageCode, Sector, SessionFormat, TopicCode

Gender = Literal["female", "male", "non_binary", "prefer_not_to_say"]
SessionStatus = Literal["draft", "published", "cancelled"]


class SafeInput(Request):
    """Base of registration's requests: a `Request` whose strings lose surrounding spaces."""

    model_config = ConfigDict(str_strip_whitespace=True)


ShortText = Annotated[str, Field(min_length=1, max_length=300)]
Iso2 = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]


class Speaker(SafeInput):
    name: ShortText
    institution: ShortText | None = None
    country: Iso2 | None = None
    role: ShortText | None = None


class CountryQuota(SafeInput):
    """Seats reserved for people from one member state until `release_at`."""

    country: Iso2
    seats: JsonInt = Field(ge=1, le=100_000)
    release_at: TextDateTime


CONFIRMATION_MINUTES = 60
MAX_CONFIRMATION_MINUTES = 7 * 24 * 60


class SessionFields(SafeInput):
    """Everything a session draft may set; all optional so that a PATCH can reuse it."""

    title: TitleMap | None = None
    summary: LanguageMap | None = None
    format: SessionFormat | None = None
    topics: list[TopicCode] | None = Field(None, max_length=16)
    starts_at: TextDateTime | None = None
    ends_at: TextDateTime | None = None
    timezone: str | None = Field(None, max_length=64)
    languages: list[LanguageCode] | None = Field(None, max_length=4)
    interpretation: list[LanguageCode] | None = Field(None, max_length=4)
    capacity: JsonInt | None = Field(None, ge=1, le=100_000)
    registration_opens_at: TextDateTime | None = None
    registration_closes_at: TextDateTime | None = None
    speakers: list[Speaker] | None = Field(None, max_length=50)
    requires_approval: JsonBool | None = None
    visibility: Literal["public", "invite_only"] | None = None
    join_url: str | None = Field(None, max_length=2000, pattern=r"^https?://")
    country_quotas: list[CountryQuota] | None = Field(None, max_length=40)
    hold_until_confirmed: JsonBool | None = Field(
        None, description="A new registration holds its seat or waiting-list place only "
        "until its address is confirmed from the mail (default false).")
    confirmation_minutes: JsonInt | None = Field(
        None, ge=1, le=MAX_CONFIRMATION_MINUTES,
        description="With `hold_until_confirmed`: minutes after registering within which "
        f"the address must be confirmed (default {CONFIRMATION_MINUTES}).")
    people: list[Person] | None = Field(
        None, max_length=100, description="Everyone with a part in the agenda, declared once.")
    agenda: list[Block] | None = Field(None, max_length=30)
    rationale: TextMap | None = None
    objectives: list[TextMap] | None = Field(None, max_length=30)
    keywords: list[Line] | None = Field(None, max_length=40)
    organisers: list[Institution] | None = Field(None, max_length=20)
    partners: list[Institution] | None = Field(None, max_length=40)
    parent_event: ParentEvent | None = None
    venue: Venue | None = Field(None, description="Online when not given.")
    countries: list[CountryCode] | None = Field(
        None, max_length=40, description="Member states the session concerns; its materials "
        "inherit them.")
    event_id: str | None = Field(None, max_length=64, pattern=r"^[0-9A-Za-z_-]+$",
                                 description="The event (seminar, series) this is a part of.")
    certificate_threshold: JsonNumber | None = Field(
        None, ge=0, le=100, description="Attendance certificates go to participants whose "
        "recorded attendance reaches this share of the session's length, in percent; none "
        "when not set.")


class CreateSession(SafeInput):
    fields: SessionFields


class PatchSession(SafeInput):
    session_id: str = Field(max_length=64)
    fields: SessionFields
    unset_capacity: JsonBool = Field(False, description="Make the session unlimited.")
    force: JsonBool = Field(False, description="Allow capacity below the confirmed count.")


class SessionRef(SafeInput):
    session_id: str = Field(max_length=64)
    include_secret: bool = False


class CalendarRef(SessionRef):
    """One session's .ics: its texts in `language` (default: the session's first language)."""

    language: LanguageCode | None = None


class CancelSession(SafeInput):
    session_id: str = Field(max_length=64)
    reason: str = Field(min_length=1, max_length=2000)


SessionOrder = Literal["created", "starts_at", "starts_at_desc"]
"""`created`: order of creation. `starts_at`: soonest first (upcoming sessions, with
`starts_from=now`). `starts_at_desc`: latest first (past sessions, with `starts_to=now`)."""


class SessionQuery(SafeInput):
    starts_from: AwareDatetime | None = None
    starts_to: AwareDatetime | None = None
    topic: TopicCode | None = None
    format: SessionFormat | None = None
    language: LanguageCode | None = None
    limit: int = Field(50, ge=1, le=200)
    after: str | None = Field(
        None, max_length=160,
        description="The `last` of the previous page, given back as is (opaque; its form "
        "depends on `order`).")
    published_only: bool = True
    order: SessionOrder = "created"
    status: SessionListStatus | None = Field(
        None, description="The secretariat's lists: by status, visibility or `past`.")
    source: str | None = Field(None, pattern=SOURCE_PATTERN,
                               description="Only sessions this system announced.")
    ended_before: AwareDatetime | None = Field(
        None, description="Set by the service with `status=past`: the time of the request.")


class FeedQuery(SessionQuery):
    """The calendar feed's filters: any of `topics` (with `topic`), and `language`, which here
    also matches sessions interpreted into it and sets the language of the texts."""

    topics: list[TopicCode] = Field(default_factory=list, max_length=16)


class SessionView(BaseModel):
    """A session as answered over the API; `join_url` only for the secretariat."""

    id: str
    status: SessionStatus
    title: LanguageMap
    summary: LanguageMap
    format: SessionFormat
    topics: list[TopicCode]
    starts_at: datetime
    ends_at: datetime
    timezone: str
    languages: list[LanguageCode]
    interpretation: list[LanguageCode]
    capacity: int | None
    seats_left: int | None
    confirmed: int
    waiting: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    speakers: list[dict[str, Any]]
    requires_approval: bool
    visibility: Literal["public", "invite_only"]
    country_quotas: list[dict[str, Any]]
    sequence: int
    join_url: str | None = None
    hold_until_confirmed: bool = False
    confirmation_minutes: int = CONFIRMATION_MINUTES
    people: list[dict[str, Any]] = Field(default_factory=list)
    agenda: list[dict[str, Any]] = Field(default_factory=list)
    rationale: LanguageMap = Field(default_factory=dict)
    objectives: list[LanguageMap] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    organisers: list[dict[str, Any]] = Field(default_factory=list)
    partners: list[dict[str, Any]] = Field(default_factory=list)
    parent_event: dict[str, Any] | None = None
    venue: dict[str, Any] = Field(default_factory=lambda: {"mode": "online"})
    countries: list[str] = Field(default_factory=list)
    event_id: str | None = None
    certificate_threshold: float | None = None
    provenance: dict[str, Any] | None = Field(
        None, description="For the secretariat: the system that announced the session "
        "(source, external_id, received_at), when it came in on `ingest.registration.>`.")


class SessionPage(BaseModel):
    items: list[SessionView]
    last: str | None


class RegistrationForm(SafeInput):
    name: str = Field(min_length=1, max_length=200)
    email: MailAddress = Field(max_length=254, json_schema_extra={"format": "email"})
    country: Iso2
    institution: str = Field(min_length=1, max_length=300)
    sector: Sector
    job_title: str = Field(min_length=1, max_length=200)
    gender: Gender | None = None
    preferred_language: LanguageCode
    consent: Literal[True] = Field(description="Must be true.")
    accessibility_needs: str | None = Field(None, max_length=2000)
    invitation_token: str | None = Field(None, max_length=1000)


class Register(SafeInput):
    session_id: str = Field(max_length=64)
    form: RegistrationForm


class Registered(BaseModel):
    registration_id: str
    status: RegistrationStatus
    waitlist_position: int | None = None
    created: bool = Field(description="True for a new registration.")
    confirm_by: datetime | None = Field(
        None, description="While `awaiting_confirmation`: when the place held is released "
        "unless the address is confirmed with the mailed link.")


class RegisterReply(BaseModel):
    """The answer to `register`. A new registration: its id and status (`created`). An
    address already registered for the session: `created` false and nothing about that
    registration, whose owner is mailed its status and links instead."""

    created: bool
    registration_id: str | None = None
    status: RegistrationStatus | None = None
    waitlist_position: int | None = None
    confirm_by: datetime | None = None

    def registered(self) -> Registered:
        """The new registration (only when `created`)."""
        if self.registration_id is None or self.status is None:
            raise ValueError("not a new registration")
        return Registered(registration_id=self.registration_id, status=self.status,
                          waitlist_position=self.waitlist_position, created=True,
                          confirm_by=self.confirm_by)


class OwnerMailed(BaseModel):
    """`202`: the address is already registered for this session. Nothing about that
    registration is said to whoever typed the address; its owner gets an e-mail with its
    status and links (at most one an hour)."""

    mailed: Literal[True] = True
    detail: str = ("This address is already registered for this session: we have sent it an "
                   "e-mail with the registration's status and links.")


class ConfirmByToken(SafeInput):
    """The token mailed to confirm an address (`ParticipantAwaitingConfirmation`)."""

    token: str = Field(min_length=1, max_length=1000)


class CancelByToken(SafeInput):
    token: str = Field(min_length=1, max_length=1000)


class ParticipantPage(BaseModel):
    """What the holder of a mailed cancel token may see of their registration."""

    registration_id: str
    status: RegistrationStatus
    waitlist_position: int | None
    name: str | None = Field(description="None once anonymised.")
    preferred_language: LanguageCode
    session: SessionView = Field(description="The public view: `join_url` always None here.")
    join_url: str | None = Field(
        description="The session's join URL, only while the registration is confirmed "
        "(and the session not cancelled).")
    can_cancel: bool = Field(
        description="Whether the participant may still cancel: an active registration of a "
        "session neither cancelled nor ended.")
    confirm_by: datetime | None = Field(
        None, description="While `awaiting_confirmation`: when the place held is released.")
    certificate: str | None = Field(
        None, description="The code of the participant's attendance certificate, if any "
        "(downloaded with the same token).")


class RegistrationAction(SafeInput):
    registration_id: str = Field(max_length=64)
    reason: str | None = Field(None, max_length=2000)


class RegistrationQuery(SafeInput):
    session_id: str = Field(max_length=64)
    status: RegistrationStatus | None = None
    country: Iso2 | None = Field(None, description="ISO 3166-1 alpha-2, any case.")
    limit: int = Field(50, ge=1, le=1000)
    after: str | None = Field(None, max_length=64)


class RegistrationView(BaseModel):
    """A registration for the secretariat (personal data: never logged)."""

    id: str
    session_id: str
    status: RegistrationStatus
    waitlist_position: int | None
    name: str | None
    email: str | None
    country: str
    member_state: bool
    institution: str | None
    sector: str
    job_title: str | None
    gender: str | None
    preferred_language: LanguageCode
    accessibility_needs: str | None
    registered_at: datetime
    promoted: bool
    attendance_minutes: int | None
    attendance: Literal["attended", "no_show"] | None


class RegistrationPage(BaseModel):
    items: list[RegistrationView]
    last: str | None


class RecordAttendance(SafeInput):
    session_id: str = Field(max_length=64)
    attendees: list[Attendee] = Field(
        min_length=1, max_length=2_000, description="At most 2,000 lines a request, so it is "
        "answered within the gateway's deadline; send a longer list in parts (a line already "
        "recorded is not recorded twice).")


class AttendanceRecorded(BaseModel):
    recorded: int
    unknown: int
    unmatched: list[UnmatchedRow] = Field(
        default_factory=list, description="The lines that recorded nothing, and why.")


class StatsQuery(SafeInput):
    session_id: str | None = Field(None, max_length=64)
    starts_from: AwareDatetime | None = None
    starts_to: AwareDatetime | None = None


class Stats(BaseModel):
    """The network in numbers; cells under the threshold are suppressed (null)."""

    sessions_held: int
    participants: int
    countries: int
    by_country: dict[str, int | None]
    by_region: dict[str, int | None]
    by_sector: dict[str, int | None]
    by_gender: dict[str, int | None]
    by_format: dict[str, int | None]
    by_month: dict[str, int | None]
    suppressed_below: int


class Calendar(BaseModel):
    ics: str
