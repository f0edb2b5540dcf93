"""Events the notify service publishes (`notify.>`).

Neither carries an e-mail address or a name: delivery ids, kinds and SMTP outcomes only.
"""

from __future__ import annotations

from pydantic import Field

from shared.contracts.events import Event


class MailSent(Event):
    """The SMTP server accepted a mail."""

    stem = "notify.mail.sent"
    delivery_id: str
    kind: str
    source_id: str = Field(description="The event (or reminder) the mail was sent for.")
    session_id: str | None = None
    registration_id: str | None = None
    message_id: str
    attempts: int


class MailFailed(Event):
    """A mail was given up: a permanent refusal (5xx) or too many temporary failures."""

    stem = "notify.mail.failed"
    delivery_id: str
    kind: str
    source_id: str
    session_id: str | None = None
    registration_id: str | None = None
    attempts: int
    smtp_code: int | None = None
    reason: str
