"""What each participant event means to notify: the mail it sends, the invitation that mail
carries, and how it changes the session's audience (who gets reminders and session mails).

The kind of mail is looked up by the event's contract class, never read off its type string.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.notify.domain.calendar import Method
from services.notify.domain.compose import SessionMail
from services.notify.domain.model import MailKind, Recipient
from shared.contracts.registration import events as reg

MAIL_KIND: dict[type[reg.ParticipantEvent], MailKind] = {
    reg.ParticipantConfirmed: "confirmed", reg.ParticipantPromoted: "promoted",
    reg.ParticipantWaitlisted: "waitlisted", reg.ParticipantPending: "pending",
    reg.ParticipantRejected: "rejected", reg.ParticipantCancelled: "cancelled",
    reg.ParticipantAttended: "attended", reg.ParticipantNoShow: "no_show",
    reg.ParticipantAwaitingConfirmation: "awaiting_confirmation",
    reg.ParticipantAlreadyRegistered: "already_registered",
}
"""Participant events that are mailed, and as which kind. Not `expired`: the mail asking to
confirm said when the place would go, and an address never confirmed gets no more mail."""
JOINING: frozenset[MailKind] = frozenset({"confirmed", "promoted"})
"""Kinds after which the person holds a seat: part of the session's audience."""
LEAVING: frozenset[MailKind] = frozenset({"cancelled", "rejected"})
"""Kinds after which the person is out of the audience."""


@dataclass(frozen=True)
class Member:
    """Someone in a session's audience, as reminders and session-wide mails need them."""

    recipient: Recipient
    join_url: str | None = None
    cancel_token: str | None = None


def mail_kind(event: reg.ParticipantEvent) -> MailKind:
    """The kind of mail a participant event sends."""
    return MAIL_KIND[type(event)]


def joins_audience(kind: MailKind) -> bool:
    """Whether this mail tells someone they hold a seat."""
    return kind in JOINING


def leaves_audience(kind: MailKind) -> bool:
    """Whether this mail tells someone they no longer take part."""
    return kind in LEAVING


def came_to_the_session(kind: MailKind) -> bool:
    """Whether this mail tells someone their attendance was recorded: they hear of the
    session's materials, whatever seat they hold."""
    return kind == "attended"


def left_by(event: reg.ParticipantEvent, kind: MailKind) -> str:
    """Why someone left the audience: who cancelled, else the kind (`rejected`)."""
    return event.cancelled_by if isinstance(event, reg.ParticipantCancelled) else kind


def told_by_the_session_mail(event: reg.ParticipantEvent) -> bool:
    """A registration cancelled because its session was: the session-cancelled mail says it."""
    return isinstance(event, reg.ParticipantCancelled) \
        and event.cancelled_by == "session_cancelled"


def applies_once_by_itself(kind: MailKind) -> bool:
    """Whether applying an event of this kind again changes nothing, so its consumer needs no
    inbox record (`shared.consumer`): its mail's delivery `_id` holds the event id, so a
    second is not queued; the audience record keeps the id of the event that wrote it, so a
    copy does not write it again; the session snapshot and the reminders keep the time or
    sequence of the newest event. Not `attended`: it adds to the audience record with
    neither, so a copy would write over what came after."""
    return not came_to_the_session(kind)


def overtaken(kind: MailKind, fresh: bool) -> bool:
    """A seat announced by an event older than the last change of this person: not mailed."""
    return joins_audience(kind) and not fresh


def invitation_method(kind: MailKind) -> Method | None:
    """The calendar invitation a participant mail carries: none, REQUEST or CANCEL."""
    if joins_audience(kind):
        return "REQUEST"
    return "CANCEL" if kind == "cancelled" else None


def recipient_of(event: reg.ParticipantEvent) -> Recipient:
    """Who a participant event's mail goes to."""
    who = event.participant
    return Recipient(email=who.email, name=who.name, language=who.preferred_language,
                     registration_id=event.registration_id)


def session_mail_of(event: reg.ParticipantEvent, kind: MailKind) -> SessionMail:
    """What the mail of a participant event mentions besides the session."""
    return SessionMail(
        kind=kind, name=event.participant.name, cancel_token=event.cancel_token,
        reason=getattr(event, "reason", None),
        position=getattr(event, "waitlist_position", None),
        minutes=getattr(event, "minutes", None), status=getattr(event, "status", None),
        confirm_token=getattr(event, "confirm_token", None),
        confirm_by=getattr(event, "confirm_by", None), holds=getattr(event, "holds", None))


def member_mail(member: Member, kind: MailKind, *, reason: str | None = None,
                previous: tuple[datetime, datetime] | None = None) -> SessionMail:
    """A session-wide mail (reminder, reschedule, cancellation) to one audience member."""
    return SessionMail(kind=kind, name=member.recipient.name, reason=reason, previous=previous,
                       cancel_token=member.cancel_token)
