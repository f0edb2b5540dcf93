"""Retention: a mail's address and rendered message are erased `retention_days` after its
last attempt; the record stays, with the address's hash, for the secretariat's counts. A
session's audience (names, addresses) is forgotten `retention_days` after the session ended.
A subscription never confirmed is deleted once its confirm link is long expired
(`PENDING_KEPT`), and one ended by unsubscribing `retention_days` after that.

Replicas may purge at the same time: erasing twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from services.notify.domain.subscriptions import PENDING_KEPT
from services.notify.handlers.context import Context

BATCH = 500


def _cutoff(ctx: Context) -> datetime:
    return ctx.clock() - timedelta(days=ctx.options.retention_days)


def forgotten(ctx: Context, session_ends_at: datetime) -> bool:
    """Whether a session's audience is past its retention, so nothing about its people is
    to be written again (participant events keep no inbox record: a replayed one must not
    bring back what the purge erased)."""
    return session_ends_at < _cutoff(ctx)


async def erase_ended_mails(ctx: Context) -> int:
    """Erase the personal data of every mail that ended before the retention period; how
    many mails that was."""
    cutoff, erased, deliveries = _cutoff(ctx), 0, ctx.store.deliveries
    while True:
        ids = await deliveries.ended_before(cutoff, BATCH)
        if ids:
            await deliveries.erase_personal_data(ids, cutoff)
        erased += len(ids)
        if len(ids) < BATCH:
            return erased


async def forget_past_audiences(ctx: Context) -> int:
    """Forget the audiences of sessions that ended before the retention period."""
    return await ctx.store.audience.forget_sessions_ended_before(_cutoff(ctx))


async def forget_lapsed_subscriptions(ctx: Context) -> int:
    """Delete unconfirmed and long unsubscribed subscriptions, with their addresses."""
    now = ctx.clock()
    return await ctx.store.subscriptions.forget_lapsed(
        now, asked_before=now - PENDING_KEPT,
        unsubscribed_before=now - timedelta(days=ctx.options.retention_days))
