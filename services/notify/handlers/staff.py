"""Mailing a staff member their one-time sign-in link.

Unlike every other mail, this one is sent at once over its own SMTP connection and never
enters the delivery log: the link in it signs someone in, and the log keeps each message's
body (for retries) where admins and backups can read it. A mail that does not go out is not
retried; the person asks for a new link. Nothing here logs the address or the link.
"""

from __future__ import annotations

import logging

from services.notify.delivery.mime import Envelope, sender_domain
from services.notify.delivery.smtp import SmtpConnection
from services.notify.domain.model import message_id
from services.notify.domain.staff import compose_staff_sign_in
from services.notify.handlers.context import Context
from services.notify.metrics import MAILS
from shared.contracts.notify.rpc import SendSignInLink
from shared.ids import new_id

log = logging.getLogger(__name__)


async def send_sign_in_link(ctx: Context, request: SendSignInLink) -> bool:
    """Compose and send the mail; whether the SMTP server took it."""
    mailer, now = ctx.mailer, ctx.clock()
    content = compose_staff_sign_in(mailer.strings, request.language, request.name,
                                    ctx.site.staff_sign_in(request.token, request.next),
                                    request.minutes)
    envelope = Envelope(sender=mailer.smtp.smtp_from, to=request.email, to_name=request.name,
                        message_id=message_id(new_id(now), sender_domain(mailer.smtp.smtp_from)),
                        date=now, reply_to=mailer.smtp.smtp_reply_to)
    smtp = SmtpConnection(mailer.smtp, ctx.options.smtp_timeout)
    try:
        result = await smtp.send(mailer.renderer.message(content, envelope), request.email)
    finally:
        await smtp.close()
    MAILS.add(1, {"kind": "staff_sign_in", "outcome": "sent" if result.ok else "failed"})
    log.info("sign-in mail", extra={"ok": result.ok, "smtp_code": result.code})
    return result.ok
