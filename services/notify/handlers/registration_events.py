"""Registration events: keep each session's audience and reminders, and mail the people.

A participant event is mailed as the kind its contract class says (`domain.participants`);
session events move or drop the reminders and tell the whole audience, each with a calendar
update under the session's one UID.
"""

from __future__ import annotations

from datetime import datetime

from services.notify.domain.calendar import Method
from services.notify.domain.model import MailKind
from services.notify.domain.participants import (
    invitation_method,
    joins_audience,
    leaves_audience,
    left_by,
    mail_kind,
    member_mail,
    overtaken,
    recipient_of,
    session_mail_of,
    told_by_the_session_mail,
)
from services.notify.handlers.context import Context
from shared.contracts.registration import events as reg


async def when_participant_changes(ctx: Context, event_id: str, at: datetime,
                                   event: reg.ParticipantEvent) -> None:
    """Keep the session's audience and reminders up to date; mail the participant, unless
    a later change overtook this one or the session-cancelled mail says it."""
    kind = mail_kind(event)
    fresh = await _keep_audience(ctx, at, event, kind)
    if overtaken(kind, fresh) or told_by_the_session_mail(event):
        return
    await ctx.mailer.session_mail(event_id, recipient_of(event), event.session,
                                  session_mail_of(event, kind), invitation_method(kind))


async def _keep_audience(ctx: Context, at: datetime, event: reg.ParticipantEvent,
                         kind: MailKind) -> bool:
    """False if a later event already changed this person."""
    session, audience = event.session, ctx.store.audience
    if joins_audience(kind):
        fresh = await audience.joined(session, event.registration_id, at, recipient_of(event),
                                      event.cancel_token)
        await ctx.store.reminders.plan(session, ctx.options.reminder_offsets_minutes)
        return fresh
    if leaves_audience(kind):
        return await audience.left(session, event.registration_id, at, left_by(event, kind))
    return True


async def when_session_is_published(ctx: Context, event: reg.SessionPublished) -> None:
    """Plan the reminders of a new session."""
    await ctx.store.reminders.plan(event.session, ctx.options.reminder_offsets_minutes)


async def when_session_is_rescheduled(ctx: Context, event_id: str,
                                      event: reg.SessionRescheduled) -> None:
    """Move the reminders; send everyone an updated invitation (same UID, new SEQUENCE)."""
    await ctx.store.audience.session_moved(event.session)
    await ctx.store.reminders.plan(event.session, ctx.options.reminder_offsets_minutes)
    await _tell_everyone(ctx, event_id, event.session, "session_rescheduled", "REQUEST",
                         previous=(event.previous_starts_at, event.previous_ends_at))


async def when_session_is_cancelled(ctx: Context, event_id: str,
                                    event: reg.SessionCancelled) -> None:
    """Drop the reminders; send everyone a cancellation (METHOD:CANCEL)."""
    await ctx.store.reminders.drop(event.session.session_id,
                                   ctx.options.reminder_offsets_minutes)
    await _tell_everyone(ctx, event_id, event.session, "session_cancelled", "CANCEL",
                         reason=event.reason, include_left_by="session_cancelled")


async def _tell_everyone(ctx: Context, event_id: str, session: reg.SessionSnapshot,
                         kind: MailKind, method: Method, *, reason: str | None = None,
                         include_left_by: str | None = None,
                         previous: tuple[datetime, datetime] | None = None) -> None:
    for member in await ctx.store.audience.members(session.session_id, include_left_by):
        personal = session.model_copy(update={"join_url": member.join_url})
        await ctx.mailer.session_mail(event_id, member.recipient, personal,
                                      member_mail(member, kind, reason=reason,
                                                  previous=previous), method)
