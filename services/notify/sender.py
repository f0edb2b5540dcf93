"""The sender loop: claims due mails under a lease, sends them over SMTP, records the outcome.

Delivery is at least once, with a small window: a replica that dies after the SMTP server
accepted a mail and before it recorded `sent` leaves the record `sending`; when the lease
runs out another replica sends it again (with the same Message-ID, so clients may fold the
two). Everything else is exactly once: the claim is one conditional write, and the outcome is
recorded only by the attempt that holds the claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import aiosmtplib
from opentelemetry import propagate, trace

from services.notify.domain.rules import may_retry, retry_delay, smtp_outcome
from services.notify.mailer import Clock
from services.notify.settings import NotifySettings
from services.notify.store import Deliveries, ms
from shared.contracts.notify import MailFailed, MailSent
from shared.db import Document
from shared.metrics import MAILS
from shared.outbox import OutboxRelay, outbox_entry
from shared.settings import Settings

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


@dataclass(frozen=True)
class SmtpResult:
    """What the server said: `code` None means no answer at all (connection trouble)."""

    ok: bool
    code: int | None
    text: str


async def smtp_send(settings: Settings, timeout: float, raw: bytes, to: str) -> SmtpResult:
    """One SMTP transaction; never raises for SMTP or network trouble."""
    try:
        _, response = await aiosmtplib.send(
            raw, sender=_address(settings.smtp_from), recipients=[to],
            hostname=settings.smtp_host or "127.0.0.1", port=settings.smtp_port,
            username=settings.smtp_username, password=settings.smtp_password,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls", timeout=timeout)
    except aiosmtplib.SMTPRecipientsRefused as error:
        refused = error.recipients[0]
        return SmtpResult(False, refused.code, refused.message[:300])
    except aiosmtplib.SMTPResponseException as error:
        return SmtpResult(False, error.code, error.message[:300])
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        return SmtpResult(False, None, type(error).__name__)
    return SmtpResult(True, 250, response[:300])


def _address(sender: str) -> str:
    from email.utils import parseaddr

    return parseaddr(sender)[1]


@dataclass
class Sender:
    """One replica's sending loop, paced to `send_rate` mails a second."""

    deliveries: Deliveries
    settings: Settings
    options: NotifySettings
    outbox: OutboxRelay
    clock: Clock
    owner: str
    wake: asyncio.Event
    still_wanted: Callable[[Document], Awaitable[bool]]
    """False for news to someone who unsubscribed after it was queued: suppressed."""

    async def run(self) -> None:
        """Send until cancelled; pause on database trouble, never die of it."""
        pause = 1.0 / self.options.send_rate
        while True:
            try:
                sent = await self.send_one()
            except Exception as error:  # MongoDB away: wait and go on
                log.warning("sender paused", extra={"error": type(error).__name__})
                await asyncio.sleep(1.0)
                continue
            if sent:
                await asyncio.sleep(pause)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.options.poll_seconds)
            self.wake.clear()

    async def send_one(self) -> bool:
        """Claim and send one due mail; False if none was due."""
        lease = timedelta(seconds=self.options.lease_seconds)
        record = await self.deliveries.claim(self.clock(), self.owner, os.urandom(8).hex(),
                                             lease)
        if record is None:
            return False
        if not await self.still_wanted(record):
            await self.deliveries.finish(record, {"status": "suppressed",
                                                  "updated_ms": ms(self.clock())}, [])
            MAILS.add(1, {"kind": record["kind"], "outcome": "suppressed"})
            return True
        with tracer.start_as_current_span(
                "smtp send", context=propagate.extract(record.get("trace") or {}),
                attributes={"notify.delivery_id": record["_id"], "notify.kind": record["kind"]}):
            result = await smtp_send(self.settings, self.options.smtp_timeout,
                                     record["raw"].encode("ascii"), record["to"])
        state, events = self.outcome(record, result)
        await self.deliveries.finish(record, state, events)
        self.outbox.kick()
        # `queued` again means a temporary refusal that will be retried.
        outcome = {"queued": "retrying"}.get(state["status"], state["status"])
        MAILS.add(1, {"kind": record["kind"], "outcome": outcome})
        log.info("mail attempt", extra={"delivery_id": record["_id"], "ok": result.ok,
                                        "smtp_code": result.code,
                                        "attempts": record["attempts"]})
        return True

    def outcome(self, record: Document, result: SmtpResult) -> tuple[Document, list[Document]]:
        """The record's new state and the events to publish with it."""
        now, attempts = self.clock(), record["attempts"]
        common = {"smtp_code": result.code, "smtp_response": result.text, "updated_ms": ms(now)}
        refs = {"delivery_id": record["_id"], "kind": record["kind"],
                "source_id": record["source_id"], "session_id": record.get("session_id"),
                "registration_id": record.get("registration_id"), "attempts": attempts}
        if result.ok:
            event = MailSent(**refs, message_id=record["message_id"])
            return ({**common, "status": "sent", "sent_ms": ms(now)},
                    [self._entry(event, record, "sent")])
        temporary = smtp_outcome(result.code) == "temporary"
        if temporary and may_retry(attempts, self.options.max_attempts):
            due = now + retry_delay(attempts, self.options.retry_base_seconds)
            return {**common, "status": "queued", "next_attempt_ms": ms(due)}, []
        failed = MailFailed(**refs, smtp_code=result.code,
                            reason="gave up after temporary failures" if temporary
                            else "refused permanently")
        return {**common, "status": "failed"}, [self._entry(failed, record, "failed")]

    def _entry(self, event: MailSent | MailFailed, record: Document, what: str) -> Document:
        # One event id per attempt: a retried-then-failed mail publishes each outcome once.
        return outbox_entry(event, event_id=f"{record['_id']}|{what}|{record['attempt_id']}",
                            source="dialogues/notify", now=self.clock())
