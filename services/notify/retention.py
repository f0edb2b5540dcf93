"""Retention: a mail's address and rendered message are erased `retention_days` after its
last attempt; the record stays, with the address's hash, for the secretariat's counts."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from services.notify.mailer import Clock
from services.notify.settings import NotifySettings
from services.notify.store import Deliveries

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0
BATCH = 500


@dataclass
class Retention:
    """One replica's purge loop (replicas may overlap: erasing twice changes nothing)."""

    deliveries: Deliveries
    clock: Clock
    options: NotifySettings

    async def run(self, every: float = PURGE_EVERY_S) -> None:
        """Purge at start, then every `every` seconds; pause on database trouble."""
        while True:
            try:
                erased = await self.purge()
                if erased:
                    log.info("mail personal data erased", extra={"deliveries": erased})
            except Exception as error:
                log.warning("mail retention purge failed", extra={"error": type(error).__name__})
            await asyncio.sleep(every)

    async def purge(self) -> int:
        """Erase the personal data of every mail that ended before the retention period;
        how many mails that was."""
        cutoff = self.clock() - timedelta(days=self.options.retention_days)
        erased = 0
        while True:
            ids = await self.deliveries.ended_before(cutoff, BATCH)
            if ids:
                await self.deliveries.erase_personal_data(ids, cutoff)
            erased += len(ids)
            if len(ids) < BATCH:
                return erased
