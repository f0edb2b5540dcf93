"""Turns a composed mail into a MIME message: text and HTML alternatives, an invitation.

The message is assembled here rather than by `email.message.EmailMessage`: with the modern
policy, parsing and refolding each header cost about 2 ms a mail, a third of notify's CPU
per mail at 100 mails a second. The layout is the same (multipart/mixed holding a
multipart/alternative and the `.ics`); headers are encoded by `email.header` (RFC 2047)
only when they need it, bodies by `binascii` (quoted-printable and base64, lines under 78).
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

import idna
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.notify.domain.calendar import Method
from services.notify.domain.compose import MailContent

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CRLF = b"\r\n"
UTF8 = Charset("utf-8")
UTF8.header_encoding = QP  # readable `=?utf-8?q?...?=` words, as the email package writes
NO_RECIPIENT = "undisclosed-recipients:;"
"""The To header of a message whose address cannot be mailed (it is never sent, see `smtp`)."""


class Unmailable(ValueError):
    """An address no message of ours can be sent to; the text says why, without the address."""


def smtp_address(address: str) -> str:
    """`address` as SMTP and the To header carry it: the domain in IDNA (punycode) form.

    The door (`shared.contracts.addresses`) only lets such addresses in; older events may
    still carry a Unicode domain, or a non-ASCII local part, which needs SMTPUTF8 and an
    8-bit message: we send neither, so that is `Unmailable`."""
    if address.isascii():
        return address
    local, at, domain = address.rpartition("@")
    if not at or not local.isascii():
        raise Unmailable("the address has characters other than ASCII before the @; "
                         "it cannot be mailed without SMTPUTF8")
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except idna.IDNAError:
        raise Unmailable("the address's domain is not a valid internationalised name") from None


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
        """The whole message, ready for SMTP (CRLF line ends, 7-bit)."""
        headers, body = multipart("alternative", [
            text_part("plain", self.text.render(mail=content)),
            text_part("html", self.html.render(mail=content))])
        if invitation is not None:
            ics, method = invitation
            headers, body = multipart("mixed", [entity(headers, body),
                                                calendar_part(ics, method)])
        return entity([*top_headers(content, envelope), *headers], body)


def top_headers(content: MailContent, envelope: Envelope) -> Headers:
    """The message's own headers, in the order mail clients show them."""
    headers = [("Subject", encoded(content.subject)), ("From", address(envelope.sender)),
               ("To", recipient(envelope))]
    if envelope.reply_to:
        headers.append(("Reply-To", address(envelope.reply_to)))
    headers += [("Message-ID", envelope.message_id), ("Date", format_datetime(envelope.date)),
                ("Auto-Submitted", "auto-generated")]
    if envelope.list_unsubscribe:
        headers += [("List-Unsubscribe", f"<{envelope.list_unsubscribe}>"),
                    ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")]
    return [*headers, ("MIME-Version", "1.0"), ("Content-Language", content.language)]


def recipient(envelope: Envelope) -> str:
    """`Name <addr>` of the To header. A message is built even for an address that cannot
    be mailed, so the mail is logged like any other and the sender records it failed, with
    the reason, on its one attempt: raising here would fail the event that asked for it."""
    try:
        to = smtp_address(envelope.to)
    except Unmailable:
        return NO_RECIPIENT
    return formataddr((one_line(envelope.to_name), to), charset=UTF8)


def encoded(value: str) -> str:
    """A header value as 7-bit text, folded (RFC 2047 words where it is not ASCII)."""
    value = one_line(value)
    if value.isascii() and len(value) < 70:
        return value
    return Header(value, UTF8 if not value.isascii() else "us-ascii").encode(linesep="\r\n")


def one_line(value: str) -> str:
    """No line break or other control character: a participant's name with CR LF in it must
    not start a header of its own (header injection)."""
    return "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in value)


def address(value: str) -> str:
    """`Name <addr>` with the name encoded if it needs to be."""
    name, addr = parseaddr(value)
    return formataddr((name, addr), charset=UTF8)


Headers = list[tuple[str, str]]


def entity(headers: Headers, body: bytes) -> bytes:
    """Headers, the blank line that ends them, the body."""
    return b"".join(f"{name}: {value}".encode("ascii") + CRLF
                    for name, value in headers) + CRLF + body


def text_part(subtype: str, text: str) -> bytes:
    """A UTF-8 text part in quoted-printable."""
    return entity([("Content-Type", f'text/{subtype}; charset="utf-8"'),
                   ("Content-Transfer-Encoding", "quoted-printable")],
                  crlf(binascii.b2a_qp(text.encode("utf-8"), istext=True)))


def calendar_part(ics: bytes, method: Method) -> bytes:
    """The `.ics` attachment, in base64."""
    return entity([("Content-Type", f'text/calendar; charset="utf-8"; method="{method}"'),
                   ("Content-Transfer-Encoding", "base64"),
                   ("Content-Disposition", 'attachment; filename="invite.ics"')],
                  crlf(base64.encodebytes(ics)))


def multipart(subtype: str, parts: list[bytes]) -> tuple[Headers, bytes]:
    """The headers and body of a multipart entity. `=_` never occurs in quoted-printable or
    base64, so a boundary that starts with it cannot collide with the parts."""
    boundary = f"=_{os.urandom(12).hex()}"
    separator, closing = (f"--{boundary}".encode("ascii") + CRLF,
                          f"--{boundary}--".encode("ascii") + CRLF)
    return ([("Content-Type", f'multipart/{subtype}; boundary="{boundary}"')],
            b"".join(separator + part + CRLF for part in parts) + closing)


def crlf(payload: bytes) -> bytes:
    """Lines ended by CRLF, as SMTP wants them."""
    return payload.rstrip(b"\n").replace(b"\n", CRLF) + CRLF


def sender_domain(sender: str) -> str:
    """The domain of the From address, for Message-IDs."""
    return parseaddr(sender)[1].rpartition("@")[2] or "dialogues.invalid"
