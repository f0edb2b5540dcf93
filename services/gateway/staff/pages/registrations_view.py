"""What the registrations table shows: its filters (from the query or a form's hidden fields),
one page of rows, and what an attendance report did, in words a person reads.

Kept apart from the handlers (`registrations.py`) so the handlers stay one call each; the
rules here are pure and tested in tests/unit/test_staff_registrations_view.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, cast, get_args
from urllib.parse import urlencode

from babel import Locale

from services.gateway.pages import decode_cursor, encode_cursor
from services.gateway.staff.i18n import gettext
from shared.contracts.registration.events import RegistrationStatus
from shared.contracts.registration.rpc import RegistrationQuery
from shared.contracts.rpc import RpcFailure

PAGE_SIZE: Final = 50
STATUSES: Final[tuple[str, ...]] = get_args(RegistrationStatus)
ACTIONS: Final = ("approve", "reject", "cancel")
"""What a row's buttons do; the registration RPC of each (`cancel`: `cancel_registration`)."""
DONE: Final = (*ACTIONS, "attendance")
COUNTRY: Final = re.compile(r"^[A-Za-z]{2}$")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


STATUS_LABELS: Final[dict[str, str]] = {
    "received": N_("Received"), "confirmed": N_("Confirmed"), "waitlisted": N_("Waiting list"),
    "pending_approval": N_("Awaiting approval"), "rejected": N_("Rejected"),
    "cancelled": N_("Cancelled"), "awaiting_confirmation": N_("Address not confirmed yet"),
    "expired": N_("Expired"),
}
DONE_NOTICES: Final[dict[str, str]] = {
    "approve": N_("The registration was approved."),
    "reject": N_("The registration was rejected; the person is told why."),
    "cancel": N_("The registration was cancelled."),
}


def status_label(status: str) -> str:
    """A registration status in the current language."""
    return gettext(STATUS_LABELS.get(status, status))


@dataclass(frozen=True)
class Filters:
    """The table's filters and page; `country_error` when the typed country is not a code."""

    status: str | None = None
    country: str | None = None
    after: str | None = None
    country_typed: str = ""

    @property
    def country_error(self) -> bool:
        return bool(self.country_typed) and self.country is None

    def query(self, session_id: str, limit: int = PAGE_SIZE) -> RegistrationQuery:
        """The registration RPC's query for this page."""
        return RegistrationQuery(session_id=session_id,
                                 status=cast(RegistrationStatus | None, self.status),
                                 country=self.country, limit=limit, after=self.after)

    def params(self, last: str | None = None) -> dict[str, str]:
        """The filters as query parameters (and the next page's cursor after `last`)."""
        found = {"status": self.status or "", "country": self.country or ""}
        cursor = encode_cursor(last)
        return {k: v for k, v in {**found, "cursor": cursor or ""}.items() if v}

    def href(self, session_id: str, last: str | None = None, **extra: str) -> str:
        """The table's address with these filters (the next page after `last`)."""
        query = urlencode({**self.params(last), **extra})
        return f"/staff/sessions/{session_id}/registrations" + (f"?{query}" if query else "")


def filters_from(values: Mapping[str, Any]) -> Filters:
    """Filters from a query or form; a value outside its set is dropped, not an error (a
    select cannot send one), except a typed country, which the page says is wrong."""
    status = str(values.get("status") or "")
    typed = str(values.get("country") or "").strip()[:10]
    return Filters(status=status if status in STATUSES else None,
                   country=typed.upper() if COUNTRY.match(typed) else None,
                   after=_position(str(values.get("cursor") or "")), country_typed=typed)


def first_page(filters: Filters) -> Filters:
    """The same filters from the first page on."""
    return replace(filters, after=None)


def _position(cursor: str) -> str | None:
    try:
        position = decode_cursor(cursor) if cursor else None
    except ValueError:
        return None
    return position if position is None or len(position) <= 64 else None


def report_fault(failure: RpcFailure) -> str:
    """Why an attendance report was refused, naming the row (the service names it by field:
    `rows.<n>.email`, `rows.<n>.minutes`, or `rows.1` for a missing header)."""
    errors = (failure.details or {}).get("errors") or [{}]
    loc = errors[0].get("loc") if isinstance(errors[0], dict) else None
    field = str(loc[0]) if isinstance(loc, list) and loc else ""
    parts = field.split(".")
    if len(parts) == 3 and parts[1].isdigit() and parts[2] == "email":
        return gettext("Row %(row)s has no e-mail address.") % {"row": parts[1]}
    if len(parts) == 3 and parts[1].isdigit() and parts[2] == "minutes":
        return gettext("Row %(row)s: the minutes cannot be read.") % {"row": parts[1]}
    if field == "rows.1":
        return gettext("No column of the report is named as an e-mail address and another "
                       "as minutes (for example Email and Duration).")
    return gettext("The report could not be read as CSV.")


UNMATCHED_REASONS: Final[dict[str, str]] = {
    "no_registration": N_("No registration for this session has this address."),
    "not_confirmed": N_("The registration is not confirmed."),
}


def unmatched_reason(reason: str) -> str:
    """Why a row of the report recorded nothing, in the current language."""
    return gettext(UNMATCHED_REASONS.get(reason, reason))


CANCELLABLE: Final = frozenset({"received", "confirmed", "waitlisted", "pending_approval",
                                "awaiting_confirmation"})
"""Statuses the secretariat may still cancel (the registration service decides; this only
chooses which rows show the button)."""


def country_name(code: str, lang: str) -> str:
    """A country's name in `lang` (CLDR), or its code if CLDR has none."""
    return str(Locale.parse(lang).territories.get(code.upper(), code.upper()))
