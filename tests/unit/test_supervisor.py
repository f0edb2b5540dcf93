"""The supervisor's pure policy: back-off, restart bookkeeping, names, exit descriptions."""

from __future__ import annotations

import pytest

from cli.policy import Backoff, RestartTracker, describe_exit, instance_names, local_url

pytestmark = pytest.mark.unit


def test_backoff_doubles_from_half_a_second_up_to_the_cap() -> None:
    backoff = Backoff(initial=0.5, factor=2.0, cap=10.0)
    assert [backoff.delay(attempt) for attempt in range(7)] == [0.5, 1, 2, 4, 8, 10, 10]


def test_backoff_stays_capped_after_a_night_of_failures() -> None:
    assert Backoff(cap=10.0).delay(100_000) == 10.0


def test_a_child_that_keeps_crashing_waits_longer_each_time() -> None:
    tracker = RestartTracker(Backoff(), stable_after=30.0)
    delays = []
    now = 0.0
    for _ in range(4):
        tracker.started(now)
        now += 1.0
        delays.append(tracker.exited(now))
    assert delays == [0.5, 1.0, 2.0, 4.0]
    assert tracker.restarts == 4


def test_a_child_that_stayed_up_a_while_restarts_quickly_again() -> None:
    tracker = RestartTracker(Backoff(), stable_after=30.0)
    for now in (0.0, 1.0, 2.0):
        tracker.started(now)
        tracker.exited(now + 0.5)
    tracker.started(10.0)
    assert tracker.exited(40.0) == 0.5
    assert tracker.restarts == 4


def test_an_exit_just_before_the_stable_period_still_backs_off() -> None:
    tracker = RestartTracker(Backoff(), stable_after=30.0)
    tracker.started(0.0)
    tracker.exited(1.0)
    tracker.started(2.0)
    assert tracker.exited(31.9) == 1.0


def test_one_replica_keeps_the_plain_name() -> None:
    assert instance_names("notify", 1) == ["notify"]


def test_replicas_are_numbered_from_one() -> None:
    assert instance_names("notify", 3) == ["notify-1", "notify-2", "notify-3"]


def test_zero_replicas_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        instance_names("notify", 0)


@pytest.mark.parametrize(("code", "text"), [
    (0, "exit code 0"), (3, "exit code 3"), (-9, "signal 9 (SIGKILL)"),
    (-15, "signal 15 (SIGTERM)"), (-200, "signal 200"),
])
def test_exits_are_described_for_people(code: int, text: str) -> None:
    assert describe_exit(code) == text


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:8000"), ("0.0.0.0", "http://127.0.0.1:8000"),  # noqa: S104
    ("::", "http://[::1]:8000"), ("localhost", "http://localhost:8000"),
])
def test_the_printed_url_reaches_the_listening_address(host: str, url: str) -> None:
    assert local_url(host, 8000) == url


def test_one_ctrl_c_delivered_twice_asks_for_a_clean_stop_only() -> None:
    from cli.supervisor import StopRequests

    now = [100.0]
    stop = StopRequests(echo_window=1.0, clock=lambda: now[0])
    stop.record()
    now[0] += 0.01  # uv forwarding the same Ctrl-C
    stop.record()
    assert stop.requested and not stop.escalated
    now[0] += 2.0  # the operator presses Ctrl-C again
    stop.record()
    assert stop.escalated
