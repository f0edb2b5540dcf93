"""Events the registration service publishes (`registration.>`) and the attendance list
other systems send it (`ingest.registration.attendance.v1`).

Each carries what its consumers need without calling back: notify mails a participant from
the event alone (name, address, language, a snapshot of the session, the signed cancel token),
so these events hold personal data and must never be logged whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from shared.contracts.events import Event
from shared.contracts.exact import JsonInt
from shared.reference import LanguageCode, SessionFormat, TopicCode

LanguageMap = dict[LanguageCode, str]
"""Text in one or more OAS languages, e.g. `{"es": "Compras públicas", "en": "..."}`."""
TITLE_LANGUAGES: tuple[str, ...] = get_args(LanguageCode)
TitleMap = Annotated[LanguageMap, WithJsonSchema({
    "type": "object", "propertyNames": {"enum": list(TITLE_LANGUAGES)},
    "additionalProperties": {"type": "string"},
    "anyOf": [{"required": [lang], "properties": {lang: {"pattern": r"\S"}}}
              for lang in TITLE_LANGUAGES]})]
"""A title as a session or gathering is given one: a `LanguageMap` with at least one
non-blank text (the services refuse it otherwise), which the JSON schema states exactly."""


RegistrationStatus = Literal[
    "received", "confirmed", "waitlisted", "pending_approval", "rejected", "cancelled",
    "awaiting_confirmation", "expired",
]
"""`awaiting_confirmation`: the registration holds its place (a seat, a place on the waiting
list, or none while a secretariat approval is to follow) only until its address is confirmed
from the mail; `expired`: it was not confirmed in time and its place went to others."""

class SessionSnapshot(BaseModel):
    """A session as it stands when the event is published."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    session_id: str
    title: LanguageMap
    summary: LanguageMap = Field(default_factory=dict)
    format: SessionFormat
    topics: list[TopicCode] = Field(default_factory=list)
    starts_at: datetime
    ends_at: datetime
    timezone: str = Field(description="IANA zone the session is announced in.")
    languages: list[LanguageCode]
    interpretation: list[LanguageCode] = Field(default_factory=list)
    sequence: int = Field(0, description="Grows with each reschedule (iCalendar SEQUENCE).")
    join_url: str | None = Field(
        None, description="Only in events addressed to a confirmed participant."
    )
    countries: list[str] = Field(
        default_factory=list, description="Member states the session concerns (ISO codes).")
    venue: dict[str, Any] | None = Field(
        None, description="`Venue` of shared.contracts.registration.programme (public).")
    slots: list[str] = Field(default_factory=list, description="Keys of the agenda's slots.")
    event_id: str | None = None


class Participant(BaseModel):
    """Who registered, as far as mail and the network in numbers need it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    email: str
    preferred_language: LanguageCode
    country: str
    sector: str | None = Field(None, description="Added for the network in numbers (older "
                               "events lack it).")
    gender: str | None = Field(None, description="As the person gave it, if they did (older "
                               "events lack it).")


class SessionPublished(Event):
    stem = "registration.session.published"
    session: SessionSnapshot


class SessionRescheduled(Event):
    stem = "registration.session.rescheduled"
    session: SessionSnapshot
    previous_starts_at: datetime
    previous_ends_at: datetime


class SessionChanged(Event):
    """A published session was edited without moving in time (its texts, topics, agenda...):
    those who keep a copy of it refresh it."""

    stem = "registration.session.changed"
    session: SessionSnapshot


class SessionTexts(Event):
    """The texts of a published session that translation jobs translate, as the secretariat
    wrote them (never the translations merged back into it): sent at publication and after
    every edit of them. Translate queues a job for each language a text lacks."""

    stem = "registration.session.texts"
    session_id: str
    text_revision: int = Field(ge=1, description="Grows with each change of the texts: a job "
                               "of an older revision is outdated.")
    source_language: LanguageCode = Field(description="The language most texts are written in: "
                                          "the one jobs translate from.")
    texts: dict[str, LanguageMap] = Field(
        description="Each text by a stable path (`title`, `objectives.2`, "
        "`agenda.<block>.slots.<slot>.title`, `people.<person>.bio`), in the languages it has.")


class SessionCancelled(Event):
    stem = "registration.session.cancelled"
    session: SessionSnapshot
    reason: str


class ParticipantEvent(Event):
    """What every participant event carries."""

    registration_id: str
    participant: Participant
    session: SessionSnapshot
    cancel_token: str | None = Field(
        None, description="Signed, expiring token for `POST /v1/registrations/cancel`."
    )


class ParticipantConfirmed(ParticipantEvent):
    stem = "registration.participant.confirmed"


class ParticipantWaitlisted(ParticipantEvent):
    stem = "registration.participant.waitlisted"
    waitlist_position: int


class ParticipantPending(ParticipantEvent):
    stem = "registration.participant.pending"


class ParticipantPromoted(ParticipantEvent):
    """A waiting person got a seat: mailed as a confirmation."""

    stem = "registration.participant.promoted"


class ParticipantRejected(ParticipantEvent):
    stem = "registration.participant.rejected"
    reason: str


class ParticipantCancelled(ParticipantEvent):
    stem = "registration.participant.cancelled"
    cancelled_by: Literal["participant", "secretariat", "session_cancelled"]


class ParticipantAttended(ParticipantEvent):
    stem = "registration.participant.attended"
    minutes: int


class ParticipantNoShow(ParticipantEvent):
    stem = "registration.participant.no_show"


class ParticipantAwaitingConfirmation(ParticipantEvent):
    """A registration of a session that holds places until the address is confirmed: the
    mail asks its address to confirm. Never carries the join URL."""

    stem = "registration.participant.awaiting_confirmation"
    confirm_token: str = Field(
        description="Signed token for `POST /v1/registrations/confirm`, valid until "
        "`confirm_by`.")
    confirm_by: datetime = Field(description="When the held place is released unless the "
                                 "address is confirmed.")
    holds: Literal["seat", "waiting_list", "nothing"] = Field(
        description="What is held meanwhile: `nothing` when the secretariat's approval "
        "follows the confirmation.")
    waitlist_position: int | None = None


class ParticipantAlreadyRegistered(ParticipantEvent):
    """Someone registered again an address that already holds a registration for the
    session: its owner (never the person who typed it) is told the registration's status
    and links. At most one an hour per registration (the event id names the hour)."""

    stem = "registration.participant.already_registered"
    status: RegistrationStatus
    waitlist_position: int | None = None
    confirm_token: str | None = Field(
        None, description="While `awaiting_confirmation`: the token to confirm with.")
    confirm_by: datetime | None = None


class ParticipantExpired(ParticipantEvent):
    """A registration whose address was not confirmed by `confirm_by`: its place was given
    back. Not mailed (the confirmation mail said when the place would go)."""

    stem = "registration.participant.expired"


class CertificateIssued(ParticipantEvent):
    """A participant's attendance reached the session's `certificate_threshold`: their
    certificate is ready. Mailed once; the PDF is downloaded from the participant's page with
    the same `cancel_token` (`/registrations/certificate.pdf?token=...` on the site), and anyone
    can check `code` at `/certificates/{code}` (site) or `/v1/certificates/{code}` (API).
    A corrected name issues a new certificate that `supersedes` the old code."""

    stem = "registration.certificate.issued"
    code: str
    languages: list[LanguageCode] = Field(description="The languages the PDF is written in.")
    supersedes: str | None = None


class AttendanceReport(Event):
    """`ingest.registration.attendance.v1`: the webinar platform's attendance list."""

    stem = "ingest.registration.attendance"
    session_id: str
    attendees: list[Attendee] = Field(max_length=10_000)


class Attendee(BaseModel):
    """One line of an attendance list: an e-mail or a registration id, and minutes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: str | None = None
    registration_id: str | None = None
    minutes: JsonInt = Field(ge=0, le=24 * 60)


AttendanceReport.model_rebuild()
