"""The delivery log for the secretariat (`/staff/deliveries`): every mail notify sent or tried,
newest first, filtered by status, kind and session, paged; "Send again" for a failed one.

The same RPCs as `GET /v1/notifications` and `POST /v1/notifications/{id}/retry`
(routes/notify.py), and the same rule for addresses: masked unless the person is an admin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, cast, get_args
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from services.gateway.context import gateway_of
from services.gateway.pages import decode_cursor, encode_cursor
from services.gateway.problems import RPC_STATUS
from services.gateway.site.render import reader_of
from services.gateway.staff.i18n import gettext
from services.gateway.staff.people import signed_in_person, staff_only
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.notify.rpc import (
    DeliveryPage,
    DeliveryStatus,
    DeliveryView,
    ListDeliveries,
    MailKind,
    RetryDelivery,
)
from shared.contracts.rpc import RpcFailure

SECRETARIAT = [staff_only("secretariat")]
PAGE_SIZE: Final = 50
STATUSES: Final[tuple[str, ...]] = get_args(DeliveryStatus)
KINDS: Final[tuple[str, ...]] = get_args(MailKind)


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


STATUS_LABELS: Final[dict[str, str]] = {
    "queued": N_("Queued"), "sending": N_("Sending"), "sent": N_("Sent"),
    "failed": N_("Failed"), "suppressed": N_("Not sent (address suppressed)"),
}


@dataclass(frozen=True)
class LogFilters:
    """The log's filters and page (a value outside its set is dropped)."""

    status: str | None = None
    kind: str | None = None
    session: str | None = None
    after: str | None = None

    def params(self, cursor: str | None = None) -> dict[str, str]:
        found = {"status": self.status, "kind": self.kind, "session": self.session,
                 "cursor": cursor}
        return {k: v for k, v in found.items() if v}

    def href(self, cursor: str | None = None) -> str:
        query = urlencode(self.params(cursor))
        return "/staff/deliveries" + (f"?{query}" if query else "")


def log_filters(values: Mapping[str, Any]) -> LogFilters:
    """The filters of a query string or form."""
    status, kind = str(values.get("status") or ""), str(values.get("kind") or "")
    session = str(values.get("session") or "").strip()[:100] or None
    try:
        after = decode_cursor(str(values["cursor"])) if values.get("cursor") else None
    except ValueError:
        after = None
    return LogFilters(status if status in STATUSES else None, kind if kind in KINDS else None,
                      session, after if after is None or len(after) <= 200 else None)


async def _log(request: Request[Any, Any, Any], filters: LogFilters, *,
               error: dict[str, str] | None = None, status: int = 200) -> Response[bytes]:
    person = signed_in_person(request)
    page = await gateway_of(request.app).call("notify", "list_deliveries", ListDeliveries(
        status=cast(DeliveryStatus | None, filters.status),
        kind=cast(MailKind | None, filters.kind), session_id=filters.session,
        limit=PAGE_SIZE, after=filters.after,
        reveal_addresses=person is not None and person.role == "admin"), DeliveryPage)
    return render_staff(request, StaffPage("deliveries.html", {
        "rows": page.items, "filters": filters, "reader": reader_of(request),
        "status_options": [(s, gettext(STATUS_LABELS[s])) for s in STATUSES],
        "kind_options": [(k, k) for k in KINDS], "status_label": _status_label,
        "first_href": LogFilters(filters.status, filters.kind, filters.session).href(),
        "next_href": filters.href(encode_cursor(page.next_after)) if page.next_after else None,
        "error": error or {}, "notice": request.query_params.get("done") == "retry"},
        status=status))


def _status_label(delivery: DeliveryView) -> str:
    return gettext(STATUS_LABELS.get(delivery.status, delivery.status))


@get("/staff/deliveries", include_in_schema=False, guards=SECRETARIAT)
async def deliveries(request: Request[Any, Any, Any]) -> Response[bytes]:
    """One page of the delivery log, filtered."""
    return await _log(request, log_filters(request.query_params))


@post("/staff/deliveries/{delivery_id:str}/retry", include_in_schema=False,
      guards=SECRETARIAT, status_code=200)
async def retry(request: Request[Any, Any, Any], delivery_id: FromPath[str]) -> Response[Any]:
    """Queue a failed mail again (same Message-ID), then back to the log as it was filtered;
    a mail that is not failed (any more) is said so on the log."""
    filters = log_filters(dict(await request.form()))
    try:
        await gateway_of(request.app).call("notify", "retry_delivery",
                                           RetryDelivery(delivery_id=delivery_id[:300]),
                                           DeliveryView)
    except RpcFailure as failure:
        if RPC_STATUS[failure.code] >= 500:
            raise
        return await _log(request, filters, status=RPC_STATUS[failure.code], error={
            f"delivery-{delivery_id}": gettext("This mail could not be sent again: it is "
                                               "no longer failed, or no longer kept.")})
    query = urlencode({**filters.params(), "done": "retry"})
    return Redirect(f"/staff/deliveries?{query}", status_code=303,
                    headers={"Cache-Control": "no-store"})


HANDLERS = [deliveries, retry]
