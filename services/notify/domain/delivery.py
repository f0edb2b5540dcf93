"""One mail of the delivery log, what an SMTP server said of it, and what that makes of it.

Pure: the sender asks the server, `attempted` decides the mail's next state, the store records
it, and `events` says what it tells the bus.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from services.notify.domain.model import DeliveryStatus, MailKind
from services.notify.domain.rules import may_retry, retry_delay, smtp_outcome
from shared.reference import LanguageCode


@dataclass(frozen=True)
class Delivery:
    """A mail in the delivery log; `to` is blank once retention erased it."""

    id: str
    order: str
    """Time-ordered key (`shared.ids`): the log is paged newest first on it."""
    kind: MailKind
    status: DeliveryStatus
    source_id: str
    to: str
    to_hash: str
    language: LanguageCode
    message_id: str
    created_at: datetime
    attempts: int = 0
    session_id: str | None = None
    registration_id: str | None = None
    subscription_id: str | None = None
    """Set on news: it goes out only while this subscription is active."""
    smtp_code: int | None = None
    smtp_response: str | None = None
    sent_at: datetime | None = None
    attempt_id: str | None = None
    """The attempt holding the mail since its claim: only it records the outcome."""
    trace: dict[str, str] = field(default_factory=dict)
    """The trace context of the event that caused the mail: its sending joins that trace."""
    inline_body: str | None = None
    """The rendered message, when the record holds it (see `store.deliveries`)."""


@dataclass(frozen=True)
class Hold:
    """A claim taken as the mail is queued, by the replica whose sender it is handed to:
    nobody else claims the mail before `until`, and only `attempt_id` records its outcome."""

    owner: str
    attempt_id: str
    until: datetime


def held_by(delivery: Delivery, hold: Hold) -> Delivery:
    """A new mail as its first attempt holds it: `sending`, counted as attempted once."""
    return replace(delivery, status="sending", attempts=1, attempt_id=hold.attempt_id)


def hold_still_covers_a_send(hold: Hold, now: datetime, lease: timedelta) -> bool:
    """Whether a hold leaves at least half a fresh claim's lease, the margin a sender needs
    to finish before another replica may take the mail (else it renews the hold first)."""
    return hold.until - now >= lease / 2


@dataclass(frozen=True)
class SmtpResult:
    """What the server said: `code` None means no answer at all (connection trouble), or,
    with `permanent`, that no server was asked because none could ever take the mail."""

    ok: bool
    code: int | None
    text: str
    permanent: bool = False


@dataclass(frozen=True)
class Attempted:
    """What one attempt makes of a mail: sent, queued again for a retry, or failed."""

    status: Literal["sent", "queued", "failed"]
    smtp_code: int | None
    smtp_response: str
    at: datetime
    retry_at: datetime | None = None
    """When a temporarily refused mail is due again."""
    reason: str | None = None
    """Why a failed mail was given up (no address in it)."""


def attempted(delivery: Delivery, result: SmtpResult, now: datetime, *, max_attempts: int,
              retry_base_seconds: float) -> Attempted:
    """The mail's state after this attempt (`delivery.attempts` counts it already)."""
    if result.ok:
        return Attempted("sent", result.code, result.text, now)
    temporary = not result.permanent and smtp_outcome(result.code) == "temporary"
    if temporary and may_retry(delivery.attempts, max_attempts):
        retry_at = now + retry_delay(delivery.attempts, retry_base_seconds)
        return Attempted("queued", result.code, result.text, now, retry_at=retry_at)
    return Attempted("failed", result.code, result.text, now, reason=failure_reason(result))


def failure_reason(result: SmtpResult) -> str:
    """Why a mail was given up, for the `MailFailed` event (no address in it)."""
    if result.permanent:  # no server was asked: the result says why none could take it
        return result.text
    if smtp_outcome(result.code) == "temporary":
        return "gave up after temporary failures"
    return "refused permanently"
