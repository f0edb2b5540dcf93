"""Telling a subscriber: a news mail now, with its ways out, or an item kept for the digest."""

from __future__ import annotations

from services.notify.domain.compose import MailContent
from services.notify.domain.model import MailKind, Recipient
from services.notify.domain.subscriptions import (
    UNSUBSCRIBE,
    UNSUBSCRIBE_TTL,
    Subscriber,
    Unsubscribe,
)
from services.notify.handlers.context import Context
from shared.reference import LanguageCode


def unsubscribe_links(ctx: Context, subscription_id: str) -> Unsubscribe:
    """The two ways out of a subscriber's news mail, with one token."""
    token = ctx.signer.issue(subscription_id, UNSUBSCRIBE, now=ctx.clock(), ttl=UNSUBSCRIBE_TTL)
    return Unsubscribe(page=ctx.site.unsubscribe(token),
                       one_click=ctx.site.one_click_unsubscribe(token))


async def mail_news(ctx: Context, source_id: str, kind: MailKind, subscriber: Subscriber,
                    content: MailContent, unsubscribe: Unsubscribe) -> bool:
    """Queue a news mail to a subscriber: it goes only while the subscription is active."""
    recipient = Recipient(email=subscriber["email"], name="", language=subscriber["language"])
    return await ctx.mailer.queue(source_id, kind, recipient, content,
                                  list_unsubscribe=unsubscribe.one_click,
                                  subscription_id=subscriber["_id"])


async def keep_for_digest(ctx: Context, source_id: str, subscriber: Subscriber, title: str,
                          document_id: str, language: LanguageCode | None = None) -> None:
    """Keep one piece of news, a document (in `language`), for the subscriber's next digest
    (once per event). Its link is made with the digest: the site's address may change."""
    await ctx.store.news.collect(subscriber["_id"], source_id, title, document_id, language,
                                 ctx.clock())
