"""`dialogues mail`: what the local mail sink has kept, for the operator of this machine.

Printing addresses is fine here: it is the operator's own terminal. Nothing is logged.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from cli.mailsink import mail_folder
from shared.settings import Settings

_ID = re.compile(r"[\w.-]+")


@dataclass(frozen=True)
class MailSummary:
    """One line of the listing, with headers decoded."""

    id: str
    date: str
    sender: str
    to: str
    subject: str


def _read(path: Path, *, headers_only: bool) -> EmailMessage:
    with path.open("rb") as file:
        return BytesParser(policy=policy.default).parse(file, headersonly=headers_only)


def _date(message: EmailMessage, path: Path) -> str:
    header = message["Date"]
    when = getattr(header, "datetime", None) if header is not None else None
    if not isinstance(when, datetime):  # no Date header, or one that does not parse
        when = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    return when.strftime("%Y-%m-%d %H:%M:%S %z")


def summarize(path: Path) -> MailSummary:
    """Decoded headers of one kept message; the envelope stands in for a missing To."""
    message = _read(path, headers_only=True)
    return MailSummary(
        id=path.stem, date=_date(message, path), sender=str(message["From"] or ""),
        to=str(message["To"] or message["X-Original-To"] or ""),
        subject=str(message["Subject"] or ""),
    )


def list_mail(folder: Path) -> list[MailSummary]:
    """Every kept message, oldest first (ids sort by arrival)."""
    if not folder.is_dir():
        return []
    return [summarize(path) for path in sorted(folder.glob("*.eml"))]


def render(message: EmailMessage) -> str:
    """Headers, then each text part decoded; other parts are named, not dumped."""
    lines = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if part.get_content_maintype() == "text" and not part.is_attachment():
            lines += ["", f"--- {kind} ---", part.get_content().rstrip("\n")]
        else:
            size = len(part.get_payload(decode=True) or b"")
            lines += ["", f"--- attachment {part.get_filename() or '(no name)'}: "
                          f"{kind}, {size} bytes ---"]
    return "\n".join(lines)


def run_mail(args: argparse.Namespace) -> int:
    """List the sink's messages, or print one with `--show ID`."""
    settings = Settings() if args.data_dir is None else Settings(data_dir=Path(args.data_dir))
    folder = mail_folder(settings.data_dir)
    if args.show is not None:
        path = folder / f"{args.show}.eml"
        # The id becomes part of a path: accept only names the sink itself makes.
        if not _ID.fullmatch(args.show) or not path.is_file():
            print(f"dialogues mail: no message {args.show!r} in {folder}", file=sys.stderr)
            return 1
        print(render(_read(path, headers_only=False)))
        print(f"\n(file: {path})")
        return 0
    messages = list_mail(folder)
    if not messages:
        print(f"No mail in {folder}.")
        return 0
    print(f"{'ID':<22}  {'DATE':<25}  {'FROM':<30}  {'TO':<30}  SUBJECT")
    for mail in messages:
        print(f"{mail.id:<22}  {mail.date:<25}  {mail.sender:<30}  {mail.to:<30}  {mail.subject}")
    print(f"{len(messages)} message(s) in {folder}; `dialogues mail --show ID` prints one.")
    return 0
