"""The local mail sink as the browser tests read it: one `.eml` file per message, kept by
`dialogues up` in DATA_DIR/mail (cli/mailsink.py), ids sorting by arrival."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path

MailMatch = str | Callable[[EmailMessage], bool] | None
"""A substring of the Subject, or a predicate on the whole message, or None for any."""

_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")


@functools.lru_cache(maxsize=4096)
def _parse(path: Path) -> EmailMessage:
    # A kept message never changes: the sink writes it whole, then gives it its name.
    with path.open("rb") as file:
        return BytesParser(policy=policy.default).parse(file)


def read_mail(folder: Path) -> list[EmailMessage]:
    """Every message kept so far, oldest first."""
    return [_parse(path) for path in sorted(folder.glob("*.eml"))]


def addressed_to(message: EmailMessage, to: str) -> bool:
    """Whether `to` is among the message's recipients (header or envelope), ignoring case."""
    recipients = f"{message['To'] or ''} {message['X-Original-To'] or ''}".lower()
    return to.lower() in recipients


def matches(message: EmailMessage, what: MailMatch) -> bool:
    """Whether the message's subject contains `what`, or the predicate `what` holds."""
    if what is None:
        return True
    if isinstance(what, str):
        return what in str(message["Subject"] or "")
    return what(message)


def wait_for_mail(folder: Path, to: str, subject_contains: MailMatch = None,
                  timeout: float = 20.0) -> EmailMessage:
    """The oldest message to `to` that matches, once the sink has it; fails after `timeout` s.

    Use a fresh address per test: the sink keeps every message of the session.
    """
    deadline = time.monotonic() + timeout
    while True:
        kept = read_mail(folder)
        for message in kept:
            if addressed_to(message, to) and matches(message, subject_contains):
                return message
        if time.monotonic() > deadline:
            seen = "\n".join(f"  {m['To']}: {m['Subject']}" for m in kept) or "  (none)"
            raise AssertionError(f"no mail to {to} matching {subject_contains!r} within "
                                 f"{timeout:g} s; the sink has:\n{seen}")
        time.sleep(0.1)


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name == "href" and value]


def _text_of(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


def links_in(message: EmailMessage) -> list[str]:
    """Every href of the HTML part, then every http(s) URL of the text part, each once.

    Attribute values come unescaped (`&amp;` is `&`); a sentence's closing punctuation is not
    part of a URL in the text.
    """
    parser = _Hrefs()
    parser.feed(_text_of(message, "html"))
    text_urls = [url.rstrip(".,;:!?") for url in _URL.findall(_text_of(message, "plain"))]
    return list(dict.fromkeys(parser.found + text_urls))
