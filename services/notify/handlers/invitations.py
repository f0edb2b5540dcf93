"""Personal invitations to invite-only sessions: each mailed once, in its language."""

from __future__ import annotations

from services.notify.domain.invitations import compose_invitation_mail
from services.notify.domain.model import Recipient, invitation_source
from services.notify.domain.rules import choose_language
from services.notify.domain.strings import LANGUAGES
from services.notify.handlers.context import Context
from shared.contracts.registration.desk import InvitationSent


async def when_a_person_is_invited(ctx: Context, event: InvitationSent) -> None:
    """Mail the invitation with its personal link, once per invitation (a redelivered event
    queues no second mail: the delivery id names the invitation)."""
    session = event.session
    lang = choose_language(event.language, session.languages, LANGUAGES)
    who = Recipient(email=event.email, name=event.name, language=lang)
    content = compose_invitation_mail(ctx.mailer.strings, lang, session, event.name,
                                      event.token, ctx.site)
    await ctx.mailer.queue(invitation_source(event.invitation_id), "invitation", who, content,
                           session_id=session.session_id)
