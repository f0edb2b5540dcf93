"""A stopping service waits a bounded time for each step, even one that ignores cancellation."""

from __future__ import annotations

import asyncio
import time

from shared.service import bounded


async def stubborn() -> None:
    """Keeps going for a while when cancelled, as a library's graceful shutdown might."""
    try:
        await asyncio.sleep(60)
    except asyncio.CancelledError:
        await asyncio.sleep(3.0)


async def test_a_step_that_ignores_its_cancellation_does_not_hold_the_stop() -> None:
    started = time.monotonic()
    assert await bounded(stubborn(), 0.2) is False
    assert time.monotonic() - started < 2.0


async def test_a_step_that_finishes_in_time_is_waited_for() -> None:
    done: list[str] = []

    async def quick() -> None:
        await asyncio.sleep(0.05)
        done.append("done")

    assert await bounded(quick(), 5.0) is True
    assert done == ["done"]


async def test_a_failing_step_does_not_stop_the_others() -> None:
    async def broken() -> None:
        raise RuntimeError("closed twice")

    assert await bounded(broken(), 1.0) is True
