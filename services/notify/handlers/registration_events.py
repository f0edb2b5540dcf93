"""Registration events: keep each session's audience and reminders, and mail the people.

A participant event is mailed as the kind its contract class says (`domain.participants`);
session events move or drop the reminders and tell the whole audience, each with a calendar
update under the session's one UID. Every event keeps the session as it describes it, for
the mails sent later (materials). A certificate is mailed once per code.
"""

from __future__ import annotations

from datetime import datetime

from services.notify.domain.calendar import Method
from services.notify.domain.certificates import Certificate, compose_certificate_mail
from services.notify.domain.model import MailKind, certificate_source
from services.notify.domain.participants import (
    came_to_the_session,
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
from services.notify.domain.rules import choose_language
from services.notify.domain.strings import LANGUAGES
from services.notify.handlers.context import Context
from services.notify.handlers.retention import forgotten
from shared.contracts.registration import events as reg


async def when_participant_changes(ctx: Context, event_id: str, at: datetime,
                                   event: reg.ParticipantEvent) -> None:
    """Keep the session's audience and reminders up to date; mail the participant, unless
    a later change overtook this one or the session-cancelled mail says it."""
    if forgotten(ctx, event.session.ends_at):
        return  # a replay from long ago: its session's audience was purged on purpose
    kind = mail_kind(event)
    fresh = await _keep_audience(ctx, event_id, at, event, kind)
    if overtaken(kind, fresh) or told_by_the_session_mail(event):
        return
    await ctx.mailer.session_mail(event_id, recipient_of(event), event.session,
                                  session_mail_of(event, kind), invitation_method(kind))


async def _keep_audience(ctx: Context, event_id: str, at: datetime,
                         event: reg.ParticipantEvent, kind: MailKind) -> bool:
    """False if a later event already changed this person (a copy of this event: True)."""
    session, audience = event.session, ctx.store.audience
    await ctx.store.sessions.keep_once(session, at)
    if came_to_the_session(kind):
        await audience.attended(session, event.registration_id, recipient_of(event),
                                event.cancel_token)
    if joins_audience(kind):
        fresh = await audience.joined(session, event.registration_id, at, event_id,
                                      recipient_of(event), event.cancel_token)
        await ctx.store.reminders.plan(session, ctx.options.reminder_offsets_minutes)
        return fresh
    if leaves_audience(kind):
        return await audience.left(session, event.registration_id, at, event_id,
                                   left_by(event, kind))
    return True


async def when_session_is_published(ctx: Context, at: datetime,
                                    event: reg.SessionPublished) -> None:
    """Keep the new session and plan its reminders."""
    await ctx.store.sessions.keep(event.session, at)
    await ctx.store.reminders.plan(event.session, ctx.options.reminder_offsets_minutes)


async def when_session_is_changed(ctx: Context, at: datetime,
                                  event: reg.SessionChanged) -> None:
    """Keep the session's new texts for the mails that name it later (no mail now)."""
    await ctx.store.sessions.keep(event.session, at)


async def when_session_is_rescheduled(ctx: Context, event_id: str, at: datetime,
                                      event: reg.SessionRescheduled) -> None:
    """Move the reminders; send everyone an updated invitation (same UID, new SEQUENCE)."""
    await ctx.store.sessions.keep(event.session, at)
    await ctx.store.audience.session_moved(event.session)
    await ctx.store.reminders.plan(event.session, ctx.options.reminder_offsets_minutes)
    await _tell_everyone(ctx, event_id, event.session, "session_rescheduled", "REQUEST",
                         previous=(event.previous_starts_at, event.previous_ends_at))


async def when_session_is_cancelled(ctx: Context, event_id: str, at: datetime,
                                    event: reg.SessionCancelled) -> None:
    """Drop the reminders; send everyone a cancellation (METHOD:CANCEL)."""
    await ctx.store.sessions.keep(event.session, at)
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


async def when_certificate_is_issued(ctx: Context, event: reg.CertificateIssued) -> None:
    """Tell the participant their certificate is ready, in their language, once per code
    (a redelivered event, or another event with the same code, queues no second mail)."""
    who, session = recipient_of(event), event.session
    lang = choose_language(who.language, session.languages, LANGUAGES)
    certificate = Certificate(code=event.code, languages=event.languages,
                              supersedes=event.supersedes, cancel_token=event.cancel_token)
    content = compose_certificate_mail(ctx.mailer.strings, lang, session, who.name,
                                       certificate, ctx.site)
    await ctx.mailer.queue(certificate_source(event.code), "certificate_issued", who, content,
                           session_id=session.session_id)
