"""Retention: a mail's address and rendered message are erased `retention_days` after its
last attempt; the record stays, with the address's hash, for the secretariat's counts. A
session's audience (names, addresses) is forgotten `retention_days` after the session ended.
A subscription never confirmed is deleted once its confirm link is long expired, and one ended
by unsubscribing `retention_days` after that (see `SubscriptionService.forget_lapsed`)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.notify.audience import Audience
from services.notify.mailer import Clock
from services.notify.settings import NotifySettings
from services.notify.store import Deliveries
from services.notify.subscriptions import SubscriptionService

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0
BATCH = 500


@dataclass
class Retention:
    """One replica's purge loop (replicas may overlap: erasing twice changes nothing)."""

    deliveries: Deliveries
    audience: Audience
    clock: Clock
    options: NotifySettings
    subscriptions: SubscriptionService

    async def run(self, every: float = PURGE_EVERY_S) -> None:
        """Purge at start, then every `every` seconds; pause on database trouble."""
        while True:
            try:
                erased = await self.purge()
                forgotten = await self.forget_audiences()
                lapsed = await self.forget_subscriptions()
                if erased or forgotten or lapsed:
                    log.info("mail personal data erased", extra={
                        "deliveries": erased, "recipients": forgotten, "subscriptions": lapsed})
            except Exception as error:
                log.warning("mail retention purge failed", extra={"error": type(error).__name__})
            await asyncio.sleep(every)

    def cutoff(self) -> datetime:
        return self.clock() - timedelta(days=self.options.retention_days)

    async def forget_audiences(self) -> int:
        """Forget the audiences of sessions that ended before the retention period."""
        return await self.audience.forget_sessions_ended_before(self.cutoff())

    async def forget_subscriptions(self) -> int:
        """Delete unconfirmed and long unsubscribed subscriptions, with their addresses."""
        retention = timedelta(days=self.options.retention_days)
        return await self.subscriptions.forget_lapsed(self.clock(), retention)

    async def purge(self) -> int:
        """Erase the personal data of every mail that ended before the retention period;
        how many mails that was."""
        cutoff, erased = self.cutoff(), 0
        while True:
            ids = await self.deliveries.ended_before(cutoff, BATCH)
            if ids:
                await self.deliveries.erase_personal_data(ids, cutoff)
            erased += len(ids)
            if len(ids) < BATCH:
                return erased
