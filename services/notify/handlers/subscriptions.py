"""Subscribing to repository news: double opt-in, then confirm and unsubscribe by signed token.

Tokens carry the subscription's key and their action, so a confirm link never unsubscribes
and the other way round; an expired one is `gone`, a bad one `forbidden`.
"""

from __future__ import annotations

from services.notify.domain.delivery import Delivery
from services.notify.domain.errors import Refusal
from services.notify.domain.model import Recipient
from services.notify.domain.news import compose_subscription_confirm
from services.notify.domain.subscriptions import (
    CONFIRM,
    CONFIRM_TTL,
    UNSUBSCRIBE,
    Subscriber,
    choices_of,
    confirmation_source,
    subscription_key,
)
from services.notify.handlers.context import Context
from shared.contracts.notify.rpc import Subscribe
from shared.tokens import TokenError


async def subscribe(ctx: Context, request: Subscribe) -> None:
    """Record the wish and send the confirmation mail (at most one an hour)."""
    now = ctx.clock()
    key = subscription_key(request.email)
    await ctx.store.subscriptions.requested(key, request.email, choices_of(request), now)
    token = ctx.signer.issue(key, CONFIRM, now=now, ttl=CONFIRM_TTL)
    content = compose_subscription_confirm(ctx.mailer.strings, request.language,
                                           ctx.site.subscription_confirm(token))
    await ctx.mailer.queue(confirmation_source(key, now), "subscription_confirm",
                           Recipient(email=request.email, name="", language=request.language),
                           content)


async def confirm(ctx: Context, token: str) -> Subscriber:
    """Activate the subscription with the choices last asked for."""
    record = await ctx.store.subscriptions.confirmed(_key(ctx, token, CONFIRM))
    return _found(record)


async def unsubscribe(ctx: Context, token: str) -> Subscriber:
    """End the subscription (the first click dates it)."""
    record = await ctx.store.subscriptions.unsubscribed(_key(ctx, token, UNSUBSCRIBE),
                                                        ctx.clock())
    return _found(record)


async def describe_unsubscribe(ctx: Context, token: str) -> Subscriber:
    """The subscription an unsubscribe token ends, changing nothing (the page before it)."""
    return _found(await ctx.store.subscriptions.get(_key(ctx, token, UNSUBSCRIBE)))


async def still_wanted(ctx: Context, delivery: Delivery) -> bool:
    """Whether a queued mail may still go out: transactional mail always may, news only
    while its subscription is active."""
    if delivery.subscription_id is None:
        return True
    return await ctx.store.subscriptions.is_active(delivery.subscription_id)


def _key(ctx: Context, token: str, action: str) -> str:
    try:
        return ctx.signer.verify(token, action, now=ctx.clock())
    except TokenError as error:
        raise Refusal("gone" if error.expired else "forbidden", str(error)) from None


def _found(record: Subscriber | None) -> Subscriber:
    if record is None:
        raise Refusal("not_found", "there is no such subscription")
    return record
