"""Composes, renders and queues mails: the only way a mail enters the delivery log."""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry import propagate

from services.notify.delivery.due import DueMails
from services.notify.delivery.mime import Envelope, Renderer, sender_domain
from services.notify.domain.calendar import Method, session_invitation
from services.notify.domain.compose import MailContent, SessionMail, compose_session_mail
from services.notify.domain.delivery import Delivery, held_by
from services.notify.domain.links import Site
from services.notify.domain.model import (
    MailKind,
    Recipient,
    delivery_id,
    message_id,
    recipient_hash,
)
from services.notify.domain.rules import choose_language
from services.notify.domain.strings import LANGUAGES, Strings
from services.notify.settings import SmtpSettings
from services.notify.store import Deliveries, ms
from shared.clock import Clock
from shared.contracts.registration.events import SessionSnapshot
from shared.ids import new_id
from shared.settings import Settings


@dataclass
class Mailer:
    """Turns a decision to mail someone into a queued delivery record."""

    deliveries: Deliveries
    settings: Settings
    smtp: SmtpSettings
    """The sender's addresses (From:, Reply-To:, the invitations' organizer)."""
    clock: Clock
    strings: Strings
    renderer: Renderer
    due: DueMails
    """This replica's sender, handed each new mail with its rendered message."""

    @property
    def site(self) -> Site:
        """The public site every mailed link opens."""
        return Site.at(self.settings.public_base_url)

    async def session_mail(self, source_id: str, recipient: Recipient,
                           session: SessionSnapshot, mail: SessionMail,
                           method: Method | None = None) -> bool:
        """Queue one session mail (with an invitation if `method`); False if already queued."""
        lang = choose_language(recipient.language, session.languages, LANGUAGES)
        content = compose_session_mail(self.strings, lang, session, mail, self.site)
        invitation = None
        if method is not None:
            ics = session_invitation(session, method, lang, organizer=self.smtp.smtp_from,
                                     attendee=recipient.email, attendee_name=recipient.name,
                                     stamp=self.clock())
            invitation = (ics, method)
        return await self.queue(source_id, mail.kind, recipient, content, invitation,
                                session_id=session.session_id)

    async def queue(self, source_id: str, kind: MailKind, recipient: Recipient,
                    content: MailContent, invitation: tuple[bytes, Method] | None = None, *,
                    session_id: str | None = None, list_unsubscribe: str | None = None,
                    subscription_id: str | None = None) -> bool:
        """Render and insert the delivery; the sender loop takes it from there.

        `list_unsubscribe`: the one-click (RFC 8058) API target for the header of news mail."""
        now = self.clock()
        key = delivery_id(source_id, kind, recipient.email)
        mid = message_id(key, sender_domain(self.smtp.smtp_from))
        envelope = Envelope(sender=self.smtp.smtp_from, to=recipient.email,
                            to_name=recipient.name, message_id=mid, date=now,
                            reply_to=self.smtp.smtp_reply_to,
                            list_unsubscribe=list_unsubscribe)
        raw = self.renderer.message(content, envelope, invitation)
        trace: dict[str, str] = {}
        propagate.inject(trace)  # the send joins the trace of the event that caused the mail
        delivery = Delivery(
            id=key, order=new_id(now), kind=kind, status="queued", source_id=source_id,
            to=recipient.email, to_hash=recipient_hash(recipient.email),
            language=content.language, message_id=mid, created_at=now, session_id=session_id,
            registration_id=recipient.registration_id, subscription_id=subscription_id,
            trace=trace)
        hold = self.due.hold()
        if hold is not None:
            delivery = held_by(delivery, hold)
        queued, body = await self.deliveries.queue(delivery, raw.decode("ascii"), hold)
        if queued:
            self.due.add(key, ms(now), body, None if hold is None else (delivery, hold))
        return queued

    async def retry(self, mail_id: str) -> Delivery | None:
        """Queue a failed mail again, due now on this replica's sender; None if it cannot be
        (see `Deliveries.retry`)."""
        now = self.clock()
        delivery = await self.deliveries.retry(mail_id, now)
        if delivery is not None:
            self.due.add(mail_id, ms(now))
        return delivery
