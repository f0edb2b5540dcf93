"""The secretariat's desk: requests and replies of `rpc.registration.*` beyond the public ones
(session lists by status, the reschedule preview, attendance reports, personal invitations),
and the event that mails one invitation (`registration.invitation.sent`).

The invitation event holds an address and a personal token: like every participant event it
must never be logged whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.addresses import STATED_ADDRESS, StatedAddress
from shared.contracts.catalog.events import SOURCE_PATTERN as SOURCE_PATTERN
from shared.contracts.events import Event
from shared.contracts.registration.events import RegistrationStatus, SessionSnapshot
from shared.contracts.rpc import Request
from shared.reference import LanguageCode

SessionListStatus = Literal["draft", "published", "invite_only", "cancelled", "past"]
"""What the secretariat lists sessions by. `draft`, `published`, `cancelled`: the session's
status; `invite_only`: its visibility, whatever its status; `past`: ended, whatever its
status."""

ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,100}$"


class ReschedulePreviewQuery(Request):
    """`rpc.registration.reschedule_preview`: who a move to these times would tell."""

    session_id: str = Field(max_length=64)
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class ReschedulePreview(BaseModel):
    """Who a reschedule would tell, counted (never who): nothing is changed by asking."""

    session_id: str
    moves: bool = Field(description="Whether these times differ from the session's: only a "
                        "move is mailed.")
    previous_starts_at: datetime
    previous_ends_at: datetime
    told: int = Field(description="People mailed the new times with a calendar update "
                      "(those who hold a seat).")
    told_by_language: dict[LanguageCode, int] = Field(
        description="The people told, by the language of their mail.")
    not_told_by_status: dict[RegistrationStatus, int] = Field(
        description="Other active registrations, by status: not mailed, their page shows the "
        "new times.")


class AttendanceCsv(Request):
    """`rpc.registration.record_attendance_report`: the webinar platform's attendance report
    as it was uploaded (CSV; parsed by the registration service)."""

    session_id: str = Field(max_length=64)
    text: str = Field(max_length=900_000, description="The CSV, decoded as UTF-8.")


class UnmatchedRow(BaseModel):
    """A line of an attendance list that recorded nothing, and why (never its address)."""

    row: int = Field(description="Its line in the CSV (the header is line 1), or its place "
                     "in `attendees` (from 1) for a JSON list.")
    reason: Literal["no_registration", "not_confirmed"]


# --- personal invitations ---
InvitationStatus = Literal["sent", "used", "revoked"]


class Invitee(BaseModel):
    """One person the secretariat invites."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: StatedAddress = Field(max_length=254, json_schema_extra={
        "format": "email", "pattern": STATED_ADDRESS})
    language: LanguageCode | None = Field(
        None, description="The language of the mail; default: the session's first.")


class InvitePeople(BaseModel):
    """The body of `POST /v1/sessions/{id}/invitations`."""

    model_config = ConfigDict(extra="forbid")

    invitees: list[Invitee] = Field(min_length=1, max_length=500)


class SendInvitations(Request):
    """`rpc.registration.invite_people`: one invitation per person, mailed once."""

    session_id: str = Field(max_length=64)
    invitees: list[Invitee] = Field(min_length=1, max_length=500)


class InvitationRef(Request):
    """`rpc.registration.revoke_invitation`."""

    invitation_id: str = Field(pattern=ID_PATTERN)


class InvitationQuery(Request):
    """`rpc.registration.list_invitations`: a session's invitations in the order sent."""

    session_id: str = Field(max_length=64)
    status: InvitationStatus | None = None


class InvitationView(BaseModel):
    """One personal invitation, as the secretariat sees it (personal data: never logged)."""

    id: str
    session_id: str
    name: str
    email: str
    language: LanguageCode
    status: InvitationStatus
    sent_at: datetime
    registration_id: str | None = Field(None, description="The registration made with it.")
    used_at: datetime | None = None
    revoked_at: datetime | None = None


class InvitationsSent(BaseModel):
    """The invitations of the request, each once: `created` counts those new (mailed now);
    an address already invited keeps its invitation, and is not mailed again."""

    created: int
    items: list[InvitationView]


class InvitationPage(BaseModel):
    items: list[InvitationView]


class InvitationSent(Event):
    """A person was invited to an invite-only session: notify mails them their own link
    (the session's page on the site with `token`), once per invitation."""

    stem = "registration.invitation.sent"
    invitation_id: str
    name: str
    email: str
    language: LanguageCode
    session: SessionSnapshot
    token: str = Field(description="The personal token, valid until the session starts: "
                       "`invitation_token` of the registration form.")
