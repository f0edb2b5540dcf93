"""The secretariat's mail about sessions: each batch of a message's recipients is mailed,
and a session's announcement goes to the subscribers who follow its topics.

Each mail's delivery id is (message or announcement, kind, address): a redelivered event, a
second batch naming the same person, or a second replica queues nothing more. Announcements
go at once to every matching subscriber, whatever their digest frequency: a session is
announced once, and a weekly digest could arrive after its registration closed.
"""

from __future__ import annotations

from services.notify.domain.model import Recipient, announcement_source, message_source
from services.notify.domain.rules import pick_text
from services.notify.domain.session_mail import (
    announcement_matches,
    compose_session_announcement,
    compose_session_message,
    message_language,
)
from services.notify.handlers.context import Context
from services.notify.handlers.news import mail_news, unsubscribe_links
from shared.contracts.registration.messages import SessionAnnounced, SessionMessageQueued


async def when_session_message_is_queued(ctx: Context, event: SessionMessageQueued) -> None:
    """Mail this batch's recipients, each in their language (or the message's fallback)."""
    session, source = event.session, message_source(event.message_id)
    for person in event.recipients:
        lang = message_language(person.preferred_language, event.subjects)
        content = compose_session_message(
            ctx.mailer.strings, lang, session, person.name,
            pick_text(event.subjects, lang), pick_text(event.bodies, lang), ctx.site)
        who = Recipient(email=person.email, name=person.name, language=lang,
                        registration_id=person.registration_id)
        await ctx.mailer.queue(source, "session_message", who, content,
                               session_id=session.session_id)


async def when_session_is_announced(ctx: Context, event: SessionAnnounced) -> None:
    """Mail every active subscriber who follows sessions on its topics, once each."""
    session, source = event.session, announcement_source(event.session.session_id)
    for subscriber in await ctx.store.subscriptions.active():
        if not announcement_matches(subscriber, session):
            continue
        unsubscribe = unsubscribe_links(ctx, subscriber["_id"])
        content = compose_session_announcement(ctx.mailer.strings, subscriber["language"],
                                               session, ctx.site, unsubscribe.page)
        await mail_news(ctx, source, "session_announced", subscriber, content, unsubscribe)
