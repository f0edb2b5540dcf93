"""Events the registration service publishes (`registration.>`).

Each carries what its consumers need without calling back: notify mails a participant from
the event alone (name, address, language, a snapshot of the session, the signed cancel token),
so these events hold personal data and must never be logged whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events import Event
from shared.reference import LanguageCode, SessionFormat, TopicCode

LanguageMap = dict[LanguageCode, str]
"""Text in one or more OAS languages, e.g. `{"es": "Compras públicas", "en": "..."}`."""


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


class Participant(BaseModel):
    """Who registered, as far as mail needs it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    email: str
    preferred_language: LanguageCode
    country: str


class SessionPublished(Event):
    stem = "registration.session.published"
    session: SessionSnapshot


class SessionRescheduled(Event):
    stem = "registration.session.rescheduled"
    session: SessionSnapshot
    previous_starts_at: datetime
    previous_ends_at: datetime


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
    minutes: int = Field(ge=0, le=24 * 60)


AttendanceReport.model_rebuild()
