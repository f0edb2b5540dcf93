"""The secretariat's mail to a session's registrants, and the announcement of a session to
subscribers: the requests (`rpc.registration.send_message`, `list_messages`,
`announce_session`), their replies, and the events notify mails from.

A message is written by staff in es and en (pt and fr optional). Registration decides who
is reached (its registrations of the chosen statuses) and queues the recipients in batches
(`SessionMessageQueued`, at most `BATCH_SIZE` people each), so no event grows with the size
of a session; notify mails each recipient once, keyed by (message, address).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events import Event
from shared.contracts.registration.events import LanguageMap, SessionSnapshot
from shared.contracts.registration.rpc import SafeInput
from shared.reference import LanguageCode

BATCH_SIZE = 100
"""Recipients per event: about 15 kB of them, far under NATS's 1 MB payload limit whatever the
message's length, and a 5,000-person session is 50 events, not one huge one."""
MessageStatus = Literal["confirmed", "waitlisted", "pending_approval"]
"""Registrations a message may reach. Not `awaiting_confirmation`: an address nobody has
confirmed gets no mail but the one asking to confirm it; not the cancelled or rejected."""
Subject = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\r\n]+$",
                               description="One line: no line breaks (mail headers).")]
Body = Annotated[str, Field(min_length=1, max_length=10_000,
                            description="Plain text; a blank line starts a paragraph.")]


class SubjectTexts(SafeInput):
    """A subject in es and en; pt and fr optional."""

    es: Subject
    en: Subject
    pt: Subject | None = None
    fr: Subject | None = None


class BodyTexts(SafeInput):
    """A body in es and en; pt and fr optional."""

    es: Body
    en: Body
    pt: Body | None = None
    fr: Body | None = None


class MessageDraft(SafeInput):
    """`POST /v1/sessions/{id}/messages`: what the secretariat writes and whom it reaches.

    Each registrant gets it in their language; a person whose language (pt, fr) it was not
    written in gets it in Spanish (pt) or English (fr), the whole mail in that language."""

    subject: SubjectTexts
    body: BodyTexts
    statuses: list[MessageStatus] = Field(min_length=1, max_length=3,
                                          description="Registrations of these statuses.")


class SendMessage(SafeInput):
    """`rpc.registration.send_message`: record a message and queue its mail, once per id."""

    session_id: str = Field(max_length=64)
    message_id: str = Field(min_length=8, max_length=100,
                            description="Stable: the same request twice is one message.")
    draft: MessageDraft


class MessageRef(SafeInput):
    """`rpc.registration.list_messages`: the messages of one session."""

    session_id: str = Field(max_length=64)


class MessageView(BaseModel):
    """A message as the secretariat sees it afterwards: counts, never addresses."""

    message_id: str
    session_id: str
    subject: dict[LanguageCode, str]
    statuses: list[MessageStatus]
    languages: list[LanguageCode] = Field(description="The languages it was written in.")
    recipients: int = Field(description="People it was queued for.")
    by_status: dict[str, int] = Field(description="Those people by registration status.")
    created_at: datetime


class MessagePage(BaseModel):
    """The messages of a session, newest first."""

    items: list[MessageView]


class Announcement(BaseModel):
    """The reply to `announce_session`: the session is being announced to subscribers."""

    session_id: str
    announced_at: datetime


class MessageRecipient(BaseModel):
    """Someone a message is mailed to."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    registration_id: str
    name: str
    email: str
    preferred_language: LanguageCode
    status: str


class SessionMessageQueued(Event):
    """One batch of a message's recipients (`batch` of `batches`, counted from 0)."""

    stem = "registration.session.message_queued"
    message_id: str
    session: SessionSnapshot
    subjects: LanguageMap = Field(description="The subject by language (`subject` names the "
                                              "event's bus subject).")
    bodies: LanguageMap
    batch: int
    batches: int
    recipients: list[MessageRecipient]


class SessionAnnounced(Event):
    """The secretariat asked that a published session be announced to subscribers (once)."""

    stem = "registration.session.announced"
    session: SessionSnapshot
