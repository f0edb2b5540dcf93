"""The quiet barrier's judgement, apart from the servers it looks at."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.support.quiet import (
    Look,
    consumer_busy,
    mail_in_flight,
    settled_twice,
    wait_until_settled,
)

pytestmark = pytest.mark.unit
IDLE = Look((), (("REGISTRATION", 5),))
GROWN = Look((), (("REGISTRATION", 6),))
BUSY = Look(("consumer REGISTRATION/notify: 1 pending, 0 unacknowledged",), (("REGISTRATION", 5),))


def test_a_consumer_with_nothing_pending_or_unacknowledged_is_idle() -> None:
    assert consumer_busy("REGISTRATION", "notify", 0, 0) is None


@pytest.mark.parametrize(("pending", "unacknowledged"), [(1, 0), (0, 1)])
def test_a_consumer_with_anything_left_is_busy(pending: int, unacknowledged: int) -> None:
    assert consumer_busy("REGISTRATION", "notify", pending, unacknowledged) == (
        f"consumer REGISTRATION/notify: {pending} pending, {unacknowledged} unacknowledged")


def test_two_idle_looks_at_the_same_streams_are_settled() -> None:
    assert settled_twice(IDLE, IDLE)


@pytest.mark.parametrize(("first", "second"), [(BUSY, IDLE), (IDLE, BUSY), (IDLE, GROWN)])
def test_a_busy_look_or_a_stream_grown_between_looks_is_not_settled(first: Look,
                                                                     second: Look) -> None:
    assert not settled_twice(first, second)


def looks(*seen: Look) -> tuple[list[Look], Callable[[], Awaitable[Look]]]:
    """A look that shows `seen` in turn, then the last for ever; and the looks taken."""
    shown = list(seen)
    taken: list[Look] = []

    async def look() -> Look:
        taken.append(shown.pop(0) if len(shown) > 1 else shown[0])
        return taken[-1]

    return taken, look


async def test_the_barrier_waits_for_two_agreeing_idle_looks() -> None:
    taken, look = looks(BUSY, IDLE, GROWN, GROWN)
    await wait_until_settled(look, timeout=5, interval=0)
    assert taken == [BUSY, IDLE, GROWN, GROWN]


async def test_the_barrier_fails_saying_what_is_still_busy() -> None:
    _, look = looks(BUSY)
    with pytest.raises(AssertionError,
                       match=r"not quiet after 0\.05 s: consumer REGISTRATION/notify"):
        await wait_until_settled(look, timeout=0.05, interval=0.01)


@pytest.mark.parametrize(("status", "attempts", "in_flight"), [
    ("sending", 1, True), ("queued", 0, True), ("queued", 2, False), ("sent", 1, False),
    ("failed", 1, False)])
def test_mail_is_in_flight_while_sent_or_never_tried(status: str, attempts: int,
                                                      in_flight: bool) -> None:
    assert mail_in_flight({"status": status, "attempts": attempts}) is in_flight
