"""The sender's in-process list of due mails (no servers: the claims it leads to are tested
against MongoDB in test_notify_mail and test_notify_reminders)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from services.notify.delivery.due import DueMails
from services.notify.store import ms
from tests.integration.notify_support import START
from tests.support.clock import MovableClock

pytestmark = pytest.mark.integration


async def taken(due: DueMails) -> list[tuple[str, str | None]]:
    """Everything ready now."""
    found = []
    while True:
        try:
            found.append(await asyncio.wait_for(due.take(), 0.05))
        except TimeoutError:
            return found


async def test_a_new_mail_is_ready_at_once_with_its_body_and_only_once() -> None:
    clock = MovableClock(START)
    due = DueMails(clock)
    due.add("a", ms(clock()), "raw-a")
    due.add("a", ms(clock()))  # the sweep sees it too
    assert await taken(due) == [("a", "raw-a")]


async def test_a_retry_waits_for_its_time_and_the_sooner_time_wins() -> None:
    clock = MovableClock(START)
    due = DueMails(clock)
    due.add("later", ms(clock() + timedelta(seconds=30)))
    due.add("moved", ms(clock() + timedelta(seconds=60)))
    due.add("moved", ms(clock() + timedelta(seconds=10)))  # e.g. retried by a person
    due.release()
    assert await taken(due) == []
    clock.advance(timedelta(seconds=10))
    due.release()
    assert await taken(due) == [("moved", None)]
    clock.advance(timedelta(seconds=60))
    due.release()
    assert await taken(due) == [("later", None)]  # and not "moved" a second time


async def test_a_retry_added_wakes_a_napping_watch_at_once() -> None:
    clock = MovableClock(START)
    due = DueMails(clock)
    napping = asyncio.create_task(due.nap(30))
    await asyncio.sleep(0)
    due.add("retry", ms(clock() + timedelta(seconds=1)))
    await asyncio.wait_for(napping, 1)
    assert due.waits_for_later()
