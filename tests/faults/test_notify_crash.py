"""notify killed (-9) while confirmations stream out, then started again: no mail lost, no
event mailed twice. With two replicas, one is killed and the other carries on.

What SMTP cannot give: a sender killed after the server accepted a mail and before it recorded
`sent` leaves the mail `sending`, and it is sent again once its lease runs out (sender.py says
so). Such a repeat is the same delivery with the same Message-ID (mail clients fold them), and
there can be no more of them than mails the killed process had in flight (its
NOTIFY_SEND_CONCURRENCY). The test holds the system to exactly that.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from tests.faults.support import (
    Stack,
    mail_attempts,
    open_session,
    register_many,
)
from tests.support import eventually

# Real processes on a two-core machine: more room than the suite's default 120 s.
pytestmark = [pytest.mark.faults, pytest.mark.timeout(300)]

PEOPLE = 120
IN_FLIGHT = 8  # NOTIFY_SEND_CONCURRENCY's default: mails one process has in flight


@pytest.mark.parametrize("replicas", [1, 2])
async def test_kill_notify_mid_stream_loses_and_doubles_nothing(
        stack: Callable[..., Stack], replicas: int) -> None:
    up = stack(replicas=replicas)
    session_id, _ = await open_session(up)
    addresses = [f"stream{i}@example.org" for i in range(PEOPLE)]
    registering = asyncio.create_task(register_many(up, session_id, addresses,
                                                         retries=5))
    await eventually(lambda: up.smtp.box.count() >= PEOPLE // 5, 60, "mails started", interval=0.1)
    victim = up.live("notify")[0]
    victim.kill()
    victim.wait()
    killed_at = time.monotonic()
    at_kill = up.smtp.box.count()
    # Timed: the only notify may be dead, and the mails it held stay `sending` until their
    # lease ends, so no barrier settles here.
    await asyncio.sleep(1.0)
    if replicas == 1:
        assert up.smtp.box.count() == at_kill  # nobody else is sending
    up.spawn("notify", "services.notify")
    answers = await registering
    assert set(answers.values()) <= {201, 202}, answers  # 202: a retry found it registered

    await eventually(lambda: set(up.smtp.box.per_address()) == set(addresses), 60,
                     "every confirmation mailed", interval=0.1)
    # A mail claimed by the dead process is sent again once its lease (5 s) runs out: wait
    # for that moment, so a double would show.
    await asyncio.sleep(max(0.0, killed_at + 6 - time.monotonic()))
    mails = up.smtp.box.per_address()
    repeats = up.smtp.box.doubled()
    print(f"\nreplicas={replicas}: killed after {at_kill} mails; {PEOPLE} registered, "
          f"{sum(mails.values())} mails, {len(repeats)} sent again after the kill; sends by "
          f"process {mail_attempts(up)}")
    assert all(len(set(ids)) == 1 for ids in repeats.values()), repeats  # one delivery each
    assert sum(len(ids) - 1 for ids in repeats.values()) <= IN_FLIGHT, repeats
