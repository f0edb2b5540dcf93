"""The delivery log for the secretariat: read it page by page, queue a failed mail again."""

from __future__ import annotations

import logging

from services.notify.domain.delivery import Delivery
from services.notify.domain.errors import Refusal
from services.notify.handlers.context import Context
from shared.contracts.notify.rpc import ListDeliveries

log = logging.getLogger(__name__)


async def list_deliveries(ctx: Context, request: ListDeliveries
                          ) -> tuple[list[Delivery], str | None]:
    """One page of the log, newest first, and the key of the next page (None at the end)."""
    found = await ctx.store.deliveries.newest(
        request.limit + 1, request.after, status=request.status, kind=request.kind,
        session_id=request.session_id)
    page = found[: request.limit]
    return page, page[-1].order if len(found) > request.limit else None


async def retry_delivery(ctx: Context, delivery_id: str) -> Delivery:
    """Queue a failed mail again, due now."""
    delivery = await ctx.mailer.retry(delivery_id)
    if delivery is None:
        if await ctx.store.deliveries.get(delivery_id) is None:
            raise Refusal("not_found", "there is no such delivery")
        raise Refusal("conflict", "only a failed delivery can be retried")
    log.info("delivery queued again", extra={"delivery_id": delivery_id})
    return delivery
