"""What notify does for each registration event: keep the audience, plan reminders, mail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from services.notify.audience import Audience
from services.notify.domain.calendar import Method
from services.notify.domain.compose import SessionMail
from services.notify.domain.model import MailKind, Recipient
from services.notify.mailer import Mailer
from services.notify.reminders import recipient_of
from services.notify.settings import NotifySettings
from shared.contracts import registration as reg
from shared.contracts.envelope import CloudEvent

PARTICIPANT_EVENTS: dict[str, type[reg.ParticipantEvent]] = {
    model.subject(): model for model in (
        reg.ParticipantConfirmed, reg.ParticipantPromoted, reg.ParticipantWaitlisted,
        reg.ParticipantPending, reg.ParticipantRejected, reg.ParticipantCancelled,
        reg.ParticipantAttended, reg.ParticipantNoShow, reg.ParticipantAwaitingConfirmation,
        reg.ParticipantAlreadyRegistered)}
"""Participant events that are mailed. Not `expired`: the mail asking to confirm said when the
place would go, and an address never confirmed gets no more mail than that."""
JOINING: dict[str, MailKind] = {"confirmed": "confirmed", "promoted": "promoted"}
LEAVING = ("cancelled", "rejected")


@dataclass
class RegistrationHandlers:
    """One handler per registration event type."""

    audience: Audience
    mailer: Mailer
    options: NotifySettings

    def routes(self) -> dict[str, Callable[[CloudEvent], Awaitable[None]]]:
        """Event type -> handler."""
        table: dict[str, Callable[[CloudEvent], Awaitable[None]]] = {
            subject: self.participant_event for subject in PARTICIPANT_EVENTS}
        table[reg.SessionPublished.subject()] = self.session_published
        table[reg.SessionRescheduled.subject()] = self.session_rescheduled
        table[reg.SessionCancelled.subject()] = self.session_cancelled
        return table

    async def participant_event(self, ce: CloudEvent) -> None:
        """Mail the participant; keep the session's audience and reminders up to date."""
        kind: MailKind = ce.type.split(".")[2]  # type: ignore[assignment]
        event = PARTICIPANT_EVENTS[ce.type].from_cloudevent(ce)
        fresh = await self._track(ce, event, kind)
        if (not fresh and kind in JOINING) or (isinstance(event, reg.ParticipantCancelled)
                                               and event.cancelled_by == "session_cancelled"):
            return  # overtaken by a later change; or the session-cancelled mail says it

        mail = SessionMail(
            kind=kind, name=event.participant.name, cancel_token=event.cancel_token,
            reason=getattr(event, "reason", None),
            position=getattr(event, "waitlist_position", None),
            minutes=getattr(event, "minutes", None), status=getattr(event, "status", None),
            confirm_token=getattr(event, "confirm_token", None),
            confirm_by=getattr(event, "confirm_by", None), holds=getattr(event, "holds", None))
        method: Method | None = "REQUEST" if kind in JOINING else (
            "CANCEL" if kind == "cancelled" else None)
        recipient = Recipient(email=event.participant.email, name=event.participant.name,
                              language=event.participant.preferred_language,
                              registration_id=event.registration_id)
        await self.mailer.session_mail(ce.id, recipient, event.session, mail, method)

    async def _track(self, ce: CloudEvent, event: reg.ParticipantEvent, kind: str) -> bool:
        """Keep the session's audience; False if a later event already changed this person."""
        session = event.session
        if kind in JOINING:
            fresh = await self.audience.set_recipient(session, event.registration_id,
                                              ce.time, {
                "active": True, "email": event.participant.email,
                "name": event.participant.name,
                "language": event.participant.preferred_language,
                "join_url": session.join_url, "cancel_token": event.cancel_token,
                "left_by": None})
            await self.audience.plan_reminders(session, self.options.reminder_offsets_minutes)
            return fresh
        if kind in LEAVING:
            left_by = getattr(event, "cancelled_by", kind)
            return await self.audience.set_recipient(
                session, event.registration_id, ce.time,
                {"active": False, "left_by": left_by})
        return True

    async def session_published(self, ce: CloudEvent) -> None:
        """Plan the reminders of a new session."""
        event = reg.SessionPublished.from_cloudevent(ce)
        await self.audience.plan_reminders(event.session, self.options.reminder_offsets_minutes)

    async def session_rescheduled(self, ce: CloudEvent) -> None:
        """Move the reminders; send everyone an updated invitation (same UID, new SEQUENCE)."""
        event = reg.SessionRescheduled.from_cloudevent(ce)
        await self.audience.session_moved(event.session)
        await self.audience.plan_reminders(event.session, self.options.reminder_offsets_minutes)
        await self._tell_everyone(ce, event.session, "session_rescheduled", "REQUEST",
                                  previous=(event.previous_starts_at, event.previous_ends_at))

    async def session_cancelled(self, ce: CloudEvent) -> None:
        """Drop the reminders; send everyone a cancellation (METHOD:CANCEL)."""
        event = reg.SessionCancelled.from_cloudevent(ce)
        await self.audience.drop_reminders(event.session.session_id,
                                           self.options.reminder_offsets_minutes)
        await self._tell_everyone(ce, event.session, "session_cancelled", "CANCEL",
                                  reason=event.reason, include_left_by="session_cancelled")

    async def _tell_everyone(self, ce: CloudEvent, session: reg.SessionSnapshot,
                             kind: MailKind, method: Method, *,
                             reason: str | None = None, include_left_by: str | None = None,
                             previous: tuple[datetime, datetime] | None = None) -> None:
        for record in await self.audience.session_recipients(session.session_id,
                                                             include_left_by):
            personal = session.model_copy(update={"join_url": record.get("join_url")})
            mail = SessionMail(kind=kind, name=record["name"], reason=reason, previous=previous,
                               cancel_token=record.get("cancel_token"))
            await self.mailer.session_mail(ce.id, recipient_of(record), personal, mail, method)
