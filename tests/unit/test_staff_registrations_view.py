"""The registrations table's pure parts: filters from a query, the addresses they make, and
an attendance report's refusal in words naming the row."""

from __future__ import annotations

import pytest

from services.gateway.pages import encode_cursor
from services.gateway.staff import i18n
from services.gateway.staff.pages import registrations_view as view
from services.gateway.staff.pages.ingest import announced_newest_first
from shared.contracts.rpc import RpcFailure

pytestmark = pytest.mark.unit


def test_filters_keep_known_values_and_flag_a_typed_country_that_is_no_code() -> None:
    kept = view.filters_from({"status": "confirmed", "country": " pa ",
                              "cursor": encode_cursor("r-9")})
    assert (kept.status, kept.country, kept.after, kept.country_error) == (
        "confirmed", "PA", "r-9", False)
    odd = view.filters_from({"status": "sleeping", "country": "Panama", "cursor": "%%"})
    assert (odd.status, odd.country, odd.after, odd.country_error) == (
        None, None, None, True)


def test_the_next_page_keeps_the_filters_and_the_first_page_drops_the_cursor() -> None:
    filters = view.filters_from({"status": "rejected", "cursor": encode_cursor("r-1")})
    assert filters.href("s1", "r-5") == (
        f"/staff/sessions/s1/registrations?status=rejected&cursor={encode_cursor('r-5')}")
    assert view.first_page(filters).href("s1") == "/staff/sessions/s1/registrations?status=rejected"


def test_a_refused_report_is_explained_by_its_row() -> None:
    def refused(field: str) -> RpcFailure:
        return RpcFailure("invalid", "x", {"errors": [{"loc": [field], "msg": "x"}]})

    i18n.use("en")  # the language of the page being drawn; another test may have set one
    assert view.report_fault(refused("rows.7.minutes")) == "Row 7: the minutes cannot be read."
    assert view.report_fault(refused("rows.4.email")) == "Row 4 has no e-mail address."
    assert view.report_fault(refused("rows.1")).startswith("No column")
    assert view.report_fault(RpcFailure("invalid", "x")) == "The report could not be read as CSV."


def test_the_ingest_queue_keeps_announced_sessions_latest_first() -> None:
    class Seen:
        def __init__(self, provenance: dict[str, str] | None) -> None:
            self.provenance = provenance

    written_here = Seen(None)
    older = Seen({"source": "zoom", "received_at": "2026-01-01T10:00:00+00:00"})
    newer = Seen({"source": "zoom", "received_at": "2026-02-01T10:00:00"})
    assert announced_newest_first([older, written_here, newer]) == [newer, older]  # type: ignore[list-item]
