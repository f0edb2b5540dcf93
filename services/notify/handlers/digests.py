"""Daily and weekly digests: the news kept for each subscriber, mailed once per period.

A digest takes the subscriber's news kept before the period's cut-off and not yet in a digest;
the selection is deterministic and the mail's source names the period, so replicas working on
the same period at once queue one mail. A finished period is recorded so it is not walked
again.
"""

from __future__ import annotations

from services.notify.domain.news import compose_digest, digest_link
from services.notify.domain.rules import digest_period
from services.notify.handlers.context import Context
from services.notify.handlers.news import mail_news, unsubscribe_links


async def send_due_digests(ctx: Context, frequency: str) -> int:
    """Queue the current period's digests not yet sent; how many were queued."""
    name, cutoff = digest_period(frequency, ctx.clock())
    news = ctx.store.news
    if await news.period_done(name):
        return 0
    queued = 0
    for subscriber in await ctx.store.subscriptions.active(frequency):
        items = await news.waiting(subscriber["_id"], cutoff)
        if not items:
            continue
        unsubscribe = unsubscribe_links(ctx, subscriber["_id"])
        content = compose_digest(ctx.mailer.strings, subscriber["language"],
                                 [(item.title, digest_link(ctx.site, item)) for item in items],
                                 unsubscribe.page)
        queued += await mail_news(ctx, f"digest:{name}", "digest", subscriber, content,
                                  unsubscribe)
        await news.put_in_digest(items, name)
    await news.record_period(name, queued)
    return queued
