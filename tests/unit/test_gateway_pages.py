"""Cursor pages (services.gateway.pages) and the span scrubbing of services.gateway.tracing."""

from __future__ import annotations

import pytest

from services.gateway.pages import decode_cursor, encode_cursor
from services.gateway.tracing import coarse_address

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("position", ["019a2b3c4d5e6f708192", "a", "ü-ñ/+="])
def test_a_cursor_survives_the_round_trip_and_hides_its_position(position: str) -> None:
    cursor = encode_cursor(position)
    assert cursor is not None and position not in cursor
    assert decode_cursor(cursor) == position


def test_the_last_page_has_no_cursor() -> None:
    assert encode_cursor(None) is None


@pytest.mark.parametrize("cursor", ["", "z", "not base64!", "_w", "AA"])
def test_a_cursor_we_did_not_make_is_refused(cursor: str) -> None:
    with pytest.raises(ValueError, match="malformed cursor"):
        decode_cursor(cursor)


@pytest.mark.parametrize(("address", "network"), [
    ("203.0.113.57", "203.0.113.0"),
    ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"),
    ("testclient", "unknown"),
])
def test_spans_keep_the_clients_network_not_its_address(address: str, network: str) -> None:
    assert coarse_address(address) == network
