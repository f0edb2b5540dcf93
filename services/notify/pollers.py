"""Notify's timed entrypoints: one loop per use case that time triggers (reminders, materials
mails, digests, retention), each pausing on trouble (MongoDB away) and never dying of it.

Each replica runs every loop; the use cases are safe to run side by side (leases, unique
delivery ids, idempotent erasure). Mail itself goes out by `delivery.sender`'s loop.

Reminders and materials mails come due with the passing of time, which no event announces,
so their loops look; but a look that finds nothing doubles the pause before the next one,
from `poll_seconds` up to `IDLE_FACTOR` times it (at most `IDLE_CAP_S`), and work found
brings it back to `poll_seconds`. Idle, a replica looks every few seconds rather than four
times a second, and a reminder is at most that much late.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from services.notify.handlers import digests, materials, reminders, retention
from services.notify.handlers.context import Context

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0
IDLE_FACTOR = 10
IDLE_CAP_S = 5.0


@dataclass
class IdlePause:
    """The pause before a loop's next look: `floor` after work, doubling while idle up to
    `cap`."""

    floor: float
    cap: float
    current: float = 0.0

    @classmethod
    def of(cls, poll_seconds: float) -> IdlePause:
        """From `poll_seconds` up to `IDLE_FACTOR` times it, but no more than `IDLE_CAP_S`
        (and never below `poll_seconds`, whatever it is set to)."""
        cap = max(poll_seconds, min(IDLE_CAP_S, poll_seconds * IDLE_FACTOR))
        return cls(poll_seconds, cap, poll_seconds)

    def worked(self) -> None:
        """Work was found: look again soon."""
        self.current = self.floor

    def next(self) -> float:
        """How long to pause now; the pause after it is twice as long, up to `cap`."""
        pause, self.current = self.current, min(self.current * 2, self.cap)
        return pause


async def send_reminders(ctx: Context, owner: str) -> None:
    """Send due reminders as they come, until cancelled."""
    pause = IdlePause.of(ctx.options.poll_seconds)
    while True:
        try:
            if await reminders.send_a_due_reminder(ctx, owner):
                pause.worked()
                continue
        except Exception as error:
            log.warning("reminder poller paused", extra={"error": type(error).__name__})
        await asyncio.sleep(pause.next())


async def send_materials_mails(ctx: Context, owner: str) -> None:
    """Send each session's materials mail once its gathering window closed, until
    cancelled."""
    pause = IdlePause.of(ctx.options.poll_seconds)
    while True:
        try:
            if await materials.send_a_due_materials_mail(ctx, owner):
                pause.worked()
                continue
        except Exception as error:
            log.warning("materials mail poller paused", extra={"error": type(error).__name__})
        await asyncio.sleep(pause.next())


async def send_digests(ctx: Context) -> None:
    """Look for due daily and weekly digests, until cancelled."""
    while True:
        try:
            for frequency in ("daily", "weekly"):
                await digests.send_due_digests(ctx, frequency)
        except Exception as error:
            log.warning("digests paused", extra={"error": type(error).__name__})
        await asyncio.sleep(ctx.options.digest_poll_seconds)


async def purge_personal_data(ctx: Context, every: float = PURGE_EVERY_S) -> None:
    """Erase what the retention period no longer allows, at start then every `every`
    seconds, until cancelled."""
    while True:
        try:
            erased = await retention.erase_ended_mails(ctx)
            forgotten = await retention.forget_past_audiences(ctx)
            lapsed = await retention.forget_lapsed_subscriptions(ctx)
            if erased or forgotten or lapsed:
                log.info("mail personal data erased", extra={
                    "deliveries": erased, "recipients": forgotten, "subscriptions": lapsed})
        except Exception as error:
            log.warning("mail retention purge failed", extra={"error": type(error).__name__})
        await asyncio.sleep(every)
