"""The SMTP server down for a while: mails wait (queued, retried with back-off), then go out,
each once.

Ten seconds rather than thirty: what matters is that the outage outlasts several attempts of
every mail (first retry after 1 s here, doubling), so each mail is refused a few times and then
accepted; a longer outage only adds attempts of the same kind (up to NOTIFY_MAX_ATTEMPTS).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from tests.faults.support import (
    Stack,
    delivery_statuses,
    open_session,
    register_many,
    settle,
)
from tests.support import eventually

pytestmark = pytest.mark.faults

OUTAGE_S = 10.0
PEOPLE = 30


async def test_smtp_down_mails_wait_then_go_out_once(stack: Callable[..., Stack]) -> None:
    up = stack(replicas=1)
    session_id, _ = await open_session(up)
    up.smtp.stop()
    down_at = time.monotonic()
    addresses = [f"smtp{i}@example.org" for i in range(PEOPLE)]
    answers = await register_many(up, session_id, addresses)
    assert set(answers.values()) == {201}

    async def all_waiting() -> bool:
        return await delivery_statuses(up) == {"queued": PEOPLE}

    await eventually(all_waiting, 30, "every mail tried and queued again", interval=0.1)
    # Part of the scenario: SMTP stays down for the whole outage, retries failing meanwhile.
    await asyncio.sleep(max(0.0, down_at + OUTAGE_S - time.monotonic()))
    assert up.smtp.box.count() == 0
    up.smtp.start()
    back_at = time.monotonic()
    await eventually(lambda: set(up.smtp.box.per_address()) == set(addresses), 60,
                     "every mail delivered once SMTP is back", interval=0.1)
    took = time.monotonic() - back_at
    await settle(up)
    assert up.smtp.box.doubled() == {}
    assert await delivery_statuses(up) == {"sent": PEOPLE}
    print(f"\n{PEOPLE} mails held through a {OUTAGE_S:g} s outage, all delivered once "
          f"{took:.1f} s after SMTP came back")
