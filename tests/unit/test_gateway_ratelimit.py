"""The fixed-window limit on public routes (services.gateway.ratelimit)."""

from __future__ import annotations

import pytest

from services.gateway.ratelimit import FixedWindow, log_entry, place_in_log, retry_after

pytestmark = pytest.mark.unit


def test_a_client_gets_its_limit_then_waits_for_the_next_window() -> None:
    window = FixedWindow(limit=3, window=60)
    assert [window.hit("a", t) for t in (120.0, 130.0, 140.0)] == [None, None, None]
    assert window.hit("a", 150.0) == pytest.approx(30.0)
    assert window.hit("a", 179.5) == pytest.approx(0.5)
    assert window.hit("a", 180.0) is None


def test_clients_are_counted_apart() -> None:
    window = FixedWindow(limit=1)
    assert window.hit("a", 0.0) is None
    assert window.hit("b", 1.0) is None
    assert window.hit("a", 2.0) is not None


def test_an_ended_window_forgets_every_client() -> None:
    window = FixedWindow(limit=1)
    for client in range(1000):
        window.hit(str(client), 10.0)
    window.hit("late", 70.0)
    assert window.clients == 1


@pytest.mark.parametrize(("wait", "header"), [(0.01, "1"), (1.0, "1"), (1.2, "2"), (59.9, "60")])
def test_retry_after_is_whole_seconds_rounded_up(wait: float, header: str) -> None:
    assert retry_after(wait) == header


def test_a_batch_is_placed_after_every_request_written_before_it() -> None:
    entries = [log_entry("other-replica", 3), log_entry("ours", 2), log_entry("later", 1)]
    assert place_in_log(entries, "ours") == 4
    assert place_in_log(entries, "other-replica") == 1
    assert place_in_log(entries, "never-written") is None
