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
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from opentelemetry import propagate, trace

from services.notify import events
from services.notify.delivery.due import DueMails, watch
from services.notify.delivery.smtp import SmtpConnection
from services.notify.domain.delivery import (
    Delivery,
    SmtpResult,
    attempted,
    hold_still_covers_a_send,
)
from services.notify.metrics import MAILS
from services.notify.settings import NotifySettings, SmtpSettings
from services.notify.store import DELIVERIES, Deliveries, ms
from shared.clock import Clock
from shared.ids import new_id
from shared.outbox import OutboxRelay

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


@dataclass
class Sender:
    """One replica's sending workers, together paced to `send_rate` mails a second.

    `send_concurrency` workers each take a due mail (see `due`), claim, send and record it
    over their own kept-open SMTP connection; the claim and the conditional record are per
    attempt, so workers of one replica share the log exactly as replicas do.
    """

    deliveries: Deliveries
    smtp: SmtpSettings
    options: NotifySettings
    outbox: OutboxRelay
    clock: Clock
    owner: str
    due: DueMails
    still_wanted: Callable[[Delivery], Awaitable[bool]]
    """False for news to someone who unsubscribed after it was queued: suppressed."""
    _next_slot: float = field(default=0.0, init=False)

    async def run(self) -> None:
        """Send until cancelled with `send_concurrency` workers."""
        self._next_slot = time.monotonic()
        async with asyncio.TaskGroup() as group:
            group.create_task(watch(self.due, self.deliveries, self.options))
            for _ in range(self.options.send_concurrency):
                group.create_task(self.work(SmtpConnection(
                    self.smtp, self.options.smtp_timeout, self.options.smtp_idle_seconds)))

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
            # (by a claim: a hold taken at queueing is not handed back, for the error may
            # have come after the SMTP server took the mail; the lease decides, as for any)
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
        delivery = await self._claim(delivery_id, with_body=body is None)
        if delivery is None:
            return False
        if not await self.still_wanted(delivery):
            await self.deliveries.suppress(delivery, self.clock())
            MAILS.add(1, {"kind": delivery.kind, "outcome": "suppressed"})
            return True
        raw = body if body is not None else await self.deliveries.body(delivery)
        with tracer.start_as_current_span(
                "smtp send", context=propagate.extract(delivery.trace),
                attributes={"notify.delivery_id": delivery.id, "notify.kind": delivery.kind}):
            result = (SmtpResult(False, None, "message body missing") if raw is None
                      else await smtp.send(raw.encode("ascii"), delivery.to))
        outcome = attempted(delivery, result, self.clock(),
                            max_attempts=self.options.max_attempts,
                            retry_base_seconds=self.options.retry_base_seconds)
        told = events.outcome_events(delivery, outcome)
        await self.deliveries.record_attempt(delivery, outcome, told)
        if told:
            self.outbox.kick(DELIVERIES, delivery.id)
        if outcome.retry_at is not None:  # a temporary refusal: retried when due
            self.due.add(delivery.id, ms(outcome.retry_at))
        MAILS.add(1, {"kind": delivery.kind,
                      "outcome": "retrying" if outcome.status == "queued" else outcome.status})
        log.info("mail attempt", extra={"delivery_id": delivery.id, "ok": result.ok,
                                        "smtp_code": result.code,
                                        "attempts": delivery.attempts})
        return True

    async def _claim(self, delivery_id: str, *, with_body: bool) -> Delivery | None:
        """This attempt's hold on the mail: the one taken as this replica queued it, as is
        if it still leaves time to send and the message is at hand (else renewed, reading
        the message back), or a claim of the record."""
        lease = timedelta(seconds=self.options.lease_seconds)
        now, held = self.clock(), self.due.held(delivery_id)
        if held is None:
            return await self.deliveries.claim(delivery_id, now, self.owner, new_id(now), lease,
                                               with_body=with_body)
        delivery, hold = held
        if not with_body and hold_still_covers_a_send(hold, now, lease):
            return delivery
        return await self.deliveries.renew(hold, delivery_id, now, lease, with_body=with_body)
