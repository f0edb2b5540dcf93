"""nats-server killed (-9) in the middle of a registration burst, then started again on the same
port and store: every registration answered 201 gets its confirmation mail, exactly once.

Two replicas of every service (a one-replica run passed the same way; left out for the suite's
time budget): two outbox relays and two consumers reconnecting at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from tests.faults.support import (
    Stack,
    mail_attempts,
    new_session,
    person,
    secretariat_key,
    settle,
)
from tests.support import eventually

# Real processes on a two-core machine: more room than the suite's default 120 s.
pytestmark = [pytest.mark.faults, pytest.mark.timeout(300)]

BURST = 1000
OUTAGE_S = 1.5


async def test_kill_nats_during_a_burst_loses_and_doubles_no_confirmation(
        stack: Callable[..., Stack]) -> None:
    replicas = 2
    up = stack(replicas=replicas)
    auth = await secretariat_key(up)
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(base_url=up.gateway_url, timeout=30, limits=limits) as http:
        session_id = await new_session(http, auth)
        answers: dict[str, int] = {}
        gate = asyncio.Semaphore(48)

        async def register(i: int) -> None:
            address = f"burst{i}@example.org"
            async with gate:
                reply = await http.post(f"/v1/sessions/{session_id}/registrations",
                                        json=person(address))
            answers[address] = reply.status_code
            if reply.status_code == 503:
                assert reply.headers["content-type"].startswith("application/problem+json")

        burst = asyncio.gather(*(register(i) for i in range(BURST)))
        await eventually(lambda: len(answers) >= BURST // 4, 60, "a quarter answered", interval=0.1)
        up.kill_nats()
        killed_at = len(answers)
        await asyncio.sleep(OUTAGE_S)  # part of the scenario: NATS down this long
        up.restart_nats()
        started = time.monotonic()
        await burst

    statuses = Counter(answers.values())
    assert set(statuses) <= {201, 503}, statuses  # never a 500, never a hang
    accepted = {address for address, status in answers.items() if status == 201}
    assert statuses[503] > 0, "the outage was seen by no request"
    assert len(accepted) > BURST // 2, statuses
    await eventually(lambda: accepted <= set(up.smtp.box.per_address()), 90,
                     "every accepted registration mailed", interval=0.1)
    await settle(up)  # a late duplicate would be mailed by now
    mails = up.smtp.box.per_address()
    assert up.smtp.box.doubled() == {}
    assert max(mails.values()) == 1
    assert set(mails) <= set(answers), "a mail to someone who never registered"
    print(f"\nreplicas={replicas} killed after {killed_at} answers; 201: {len(accepted)}, "
          f"503: {statuses[503]}; mails: {sum(mails.values())} to {len(mails)} addresses "
          f"({len(set(mails) - accepted)} of them answered 503); duplicates: 0; "
          f"all mailed {time.monotonic() - started:.1f} s after NATS came back; sends by "
          f"notify process {mail_attempts(up)}")
    assert all(sends > 0 for sends in mail_attempts(up))
