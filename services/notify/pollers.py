"""Notify's timed entrypoints: one loop per use case that time triggers (reminders, materials
mails, digests, retention), each pausing on trouble (MongoDB away) and never dying of it.

Each replica runs every loop; the use cases are safe to run side by side (leases, unique
delivery ids, idempotent erasure). Mail itself goes out by `delivery.sender`'s loop.
"""

from __future__ import annotations

import asyncio
import logging

from services.notify.handlers import digests, materials, reminders, retention
from services.notify.handlers.context import Context

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0


async def send_reminders(ctx: Context, owner: str) -> None:
    """Send due reminders as they come, until cancelled."""
    while True:
        try:
            if await reminders.send_a_due_reminder(ctx, owner):
                continue
        except Exception as error:
            log.warning("reminder poller paused", extra={"error": type(error).__name__})
        await asyncio.sleep(ctx.options.poll_seconds)


async def send_materials_mails(ctx: Context, owner: str) -> None:
    """Send each session's materials mail once its gathering window closed, until
    cancelled."""
    while True:
        try:
            if await materials.send_a_due_materials_mail(ctx, owner):
                continue
        except Exception as error:
            log.warning("materials mail poller paused", extra={"error": type(error).__name__})
        await asyncio.sleep(ctx.options.poll_seconds)


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
