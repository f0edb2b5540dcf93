"""Turns a composed mail into a MIME message: text and HTML alternatives, an invitation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.notify.domain.calendar import Method
from services.notify.domain.compose import MailContent

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Envelope:
    """Who a message is from and to, and its stable Message-ID."""

    sender: str
    to: str
    to_name: str
    message_id: str
    date: datetime
    reply_to: str | None = None
    list_unsubscribe: str | None = None
    """A one-click unsubscribe URL (RFC 8058) for non-transactional mail."""


class Renderer:
    """Jinja2 templates for the HTML and plain-text parts."""

    def __init__(self, folder: Path = TEMPLATES) -> None:
        loader = FileSystemLoader(folder)
        self.html = Environment(loader=loader, autoescape=select_autoescape(["j2"]),
                                undefined=StrictUndefined).get_template("mail.html.j2")
        # The plain-text part is never read as HTML: escaping would show `&amp;` to people.
        self.text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined,  # noqa: S701
                                keep_trailing_newline=True).get_template("mail.txt.j2")

    def message(self, content: MailContent, envelope: Envelope,
                invitation: tuple[bytes, Method] | None = None) -> bytes:
        """The whole message, ready for SMTP."""
        message = EmailMessage(policy=SMTP)
        message["Subject"] = content.subject
        message["From"] = envelope.sender
        message["To"] = formataddr((envelope.to_name, envelope.to))
        if envelope.reply_to:
            message["Reply-To"] = envelope.reply_to
        message["Message-ID"] = envelope.message_id
        message["Date"] = format_datetime(envelope.date)
        message["Auto-Submitted"] = "auto-generated"
        if envelope.list_unsubscribe:
            message["List-Unsubscribe"] = f"<{envelope.list_unsubscribe}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(self.text.render(mail=content))
        message.add_alternative(self.html.render(mail=content), subtype="html")
        if invitation is not None:
            ics, method = invitation
            message.add_attachment(ics, maintype="text", subtype="calendar",
                                   filename="invite.ics", params={"method": method})
        message["Content-Language"] = content.language  # after set_content, which drops it
        return message.as_bytes()


def sender_domain(sender: str) -> str:
    """The domain of the From address, for Message-IDs."""
    return parseaddr(sender)[1].rpartition("@")[2] or "dialogues.invalid"
