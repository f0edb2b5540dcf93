"""A consumer holds one copy of an event at a time, and copies of other events meanwhile."""

from __future__ import annotations

import asyncio

import pytest

from shared.consumer import EventsInHand

pytestmark = pytest.mark.unit


async def overlaps(first: str, second: str) -> bool:
    """Whether two holders of these event ids ever hold at the same moment."""
    in_hand, holding, overlapped = EventsInHand(), [0], [False]

    async def hold(event_id: str) -> None:
        async with in_hand.holding(event_id):
            holding[0] += 1
            overlapped[0] |= holding[0] > 1
            await asyncio.sleep(0.01)
            holding[0] -= 1

    await asyncio.gather(hold(first), hold(second))
    return overlapped[0]


async def test_two_copies_of_one_event_are_held_one_after_the_other() -> None:
    assert not await overlaps("e-1", "e-1")


async def test_two_events_are_held_at_once() -> None:
    assert await overlaps("e-1", "e-2")
