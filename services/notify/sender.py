"""The sender loop: claims due mails under a lease, sends them over SMTP, records the outcome.

Delivery is at least once, with a small window: a replica that dies after the SMTP server
accepted a mail and before it recorded `sent` leaves the record `sending`; when the lease
runs out another replica sends it again (with the same Message-ID, so clients may fold the
two). Everything else is exactly once: the claim is a conditional write, and the outcome is
recorded only by the attempt that holds the claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from opentelemetry import propagate, trace
from pymongo.errors import ConnectionFailure

from services.notify.domain.rules import may_retry, retry_delay, smtp_outcome
from services.notify.due import DueMails, watch
from services.notify.mailer import Clock
from services.notify.settings import NotifySettings
from services.notify.smtp import SmtpConnection, SmtpResult
from services.notify.store import DELIVERIES, Deliveries, ms
from shared.contracts.notify import MailFailed, MailSent
from shared.db import Document
from shared.metrics import MAILS
from shared.outbox import OutboxRelay, outbox_entry
from shared.settings import Settings

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


@dataclass
class Sender:
    """One replica's sending workers, together paced to `send_rate` mails a second.

    `send_concurrency` workers each take a due mail (see `due`), claim, send and record it
    over their own kept-open SMTP connection; the claim and the conditional `finish` are per
    attempt, so workers of one replica share the log exactly as replicas do.
    """

    deliveries: Deliveries
    settings: Settings
    options: NotifySettings
    outbox: OutboxRelay
    clock: Clock
    owner: str
    due: DueMails
    still_wanted: Callable[[Document], Awaitable[bool]]
    """False for news to someone who unsubscribed after it was queued: suppressed."""
    _next_slot: float = field(default=0.0, init=False)

    async def run(self) -> None:
        """Send until cancelled with `send_concurrency` workers."""
        self._next_slot = time.monotonic()
        async with asyncio.TaskGroup() as group:
            group.create_task(watch(self.due, self.deliveries, self.options))
            for _ in range(self.options.send_concurrency):
                group.create_task(self.work(SmtpConnection(
                    self.settings, self.options.smtp_timeout, self.options.smtp_idle_seconds)))

    async def work(self, smtp: SmtpConnection) -> None:
        """One worker: take due mails one by one; close the connection when idle."""
        try:
            while True:
                try:
                    delivery_id, body = await asyncio.wait_for(
                        self.due.take(), self.options.smtp_idle_seconds)
                except TimeoutError:
                    await smtp.close_if_idle()
                    continue
                await self._attempt(smtp, delivery_id, body)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(smtp.close())

    async def _attempt(self, smtp: SmtpConnection, delivery_id: str, body: str | None) -> None:
        """Claim and send one mail, paced; pause on database trouble, never die of it."""
        await self._pace()
        try:
            await self.send_one(smtp, delivery_id, body)
        except Exception as error:  # MongoDB away: wait, and try this one again after
            log.warning("sender paused", extra={"error": type(error).__name__})
            self.due.add(delivery_id, ms(self.clock()) + 1000, body)
            await asyncio.sleep(1.0)

    async def _pace(self) -> None:
        """Space the replica's claims `1 / send_rate` apart, whichever worker makes them."""
        now = time.monotonic()
        slot = max(now, self._next_slot)
        self._next_slot = slot + 1.0 / self.options.send_rate
        if slot > now:
            await asyncio.sleep(slot - now)

    async def send_one(self, smtp: SmtpConnection, delivery_id: str,
                       body: str | None = None) -> bool:
        """Claim and send this mail if it is due; False if it was not (or someone else's).

        `body`: its rendered message, if the mailer handed it over (else it is read back)."""
        lease = timedelta(seconds=self.options.lease_seconds)
        record = await self.deliveries.claim(delivery_id, self.clock(), self.owner,
                                             os.urandom(8).hex(), lease)
        if record is None:
            return False
        if not await self.still_wanted(record):
            await self.deliveries.finish(record, {"status": "suppressed",
                                                  "updated_ms": ms(self.clock())}, [])
            MAILS.add(1, {"kind": record["kind"], "outcome": "suppressed"})
            return True
        raw = body if body is not None else await self.deliveries.body(record)
        with tracer.start_as_current_span(
                "smtp send", context=propagate.extract(record.get("trace") or {}),
                attributes={"notify.delivery_id": record["_id"], "notify.kind": record["kind"]}):
            result = (SmtpResult(False, None, "message body missing") if raw is None
                      else await smtp.send(raw.encode("ascii"), record["to"]))
        state, events = self.outcome(record, result)
        await self._record(record, state, events)
        if events:
            self.outbox.kick(DELIVERIES, record["_id"])
        if state["status"] == "queued":  # a temporary refusal: retried when due
            self.due.add(record["_id"], state["next_attempt_ms"])
        outcome = {"queued": "retrying"}.get(state["status"], state["status"])
        MAILS.add(1, {"kind": record["kind"], "outcome": outcome})
        log.info("mail attempt", extra={"delivery_id": record["_id"], "ok": result.ok,
                                        "smtp_code": result.code,
                                        "attempts": record["attempts"]})
        return True

    async def _record(self, record: Document, state: Document, events: list[Document]) -> None:
        """Record what the SMTP server said, through a database outage: a mail sent but left
        `sending` would go out a second time once its lease ran out. Short pauses, so this
        attempt writes before another replica may reclaim it (the lease is tens of seconds)."""
        pause = 0.1
        while True:
            try:
                await self.deliveries.finish(record, state, events)
                return
            except ConnectionFailure as error:
                log.warning("sender waits for its database to record an attempt",
                            extra={"delivery_id": record["_id"], "error": type(error).__name__})
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.5)

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
        temporary = not result.permanent and smtp_outcome(result.code) == "temporary"
        if temporary and may_retry(attempts, self.options.max_attempts):
            due = now + retry_delay(attempts, self.options.retry_base_seconds)
            return {**common, "status": "queued", "next_attempt_ms": ms(due)}, []
        failed = MailFailed(**refs, smtp_code=result.code, reason=failure_reason(result))
        return {**common, "status": "failed"}, [self._entry(failed, record, "failed")]

    def _entry(self, event: MailSent | MailFailed, record: Document, what: str) -> Document:
        # One event id per attempt: a retried-then-failed mail publishes each outcome once.
        return outbox_entry(event, event_id=f"{record['_id']}|{what}|{record['attempt_id']}",
                            source="dialogues/notify", now=self.clock())


def failure_reason(result: SmtpResult) -> str:
    """Why a mail was given up, for the `MailFailed` event (no address in it)."""
    if result.permanent:  # no server was asked: the result says why none could take it
        return result.text
    if smtp_outcome(result.code) == "temporary":
        return "gave up after temporary failures"
    return "refused permanently"
