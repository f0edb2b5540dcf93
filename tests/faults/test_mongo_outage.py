"""The MongoDB stand-in stopped during registrations, then started again on its port and
files: the gateway answers 503 problem details within the RPC timeout (never a 500, never a
hang), and once it is back and the sweepers ran, nothing is half-written."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from tests.faults.support import (
    Stack,
    delivery_statuses,
    open_session,
    person,
    registrations_of,
    settle,
)
from tests.support import eventually

# Real processes on a two-core machine: more room than the suite's default 120 s.
pytestmark = [pytest.mark.faults, pytest.mark.timeout(300)]

RPC_TIMEOUT = 2.0
SLACK = 2.5  # the gateway's own work, on a busy two-core machine
STABLE = 4  # polls, 1 s apart, that must see the same registrations: past server selection


async def test_mongo_down_gets_503_in_time_and_leaves_nothing_half_written(
        stack: Callable[..., Stack]) -> None:
    # A lease longer than the outage, as in production (60 s): a mail sent just before the
    # database went away is recorded by its sender once it is back, not sent again.
    up = stack(replicas=2, RPC_TIMEOUT=str(RPC_TIMEOUT), NOTIFY_LEASE_SECONDS="30")
    session_id, auth = await open_session(up, capacity=40)
    answers: dict[str, tuple[int, float, str]] = {}
    gate = asyncio.Semaphore(12)
    async with httpx.AsyncClient(base_url=up.gateway_url, timeout=30) as http:

        async def register(i: int) -> None:
            address = f"mongo{i}@example.org"
            async with gate:
                started = time.monotonic()
                reply = await http.post(f"/v1/sessions/{session_id}/registrations",
                                        json=person(address))
                answers[address] = (reply.status_code, time.monotonic() - started,
                                    reply.headers.get("content-type", ""))

        burst = asyncio.gather(*(register(i) for i in range(80)))
        await eventually(lambda: len(answers) >= 25, 60, "registrations before the outage",
                         interval=0.1)
        # SIGTERM, not kill -9: the stand-in (NeoSQLite) runs each `$addToSet` value of an
        # update as its own autocommitted SQLite statement before the rest of that update, so
        # a kill -9 can land inside one single-document write and leave half of it (a seat
        # listed but not counted; an event queued without its status change). MongoDB never
        # tears a single-document write, and SIGTERM lets the stand-in finish the writes in
        # flight.
        up.stop_mongo()
        await asyncio.sleep(0.5)  # part of the scenario: requests while MongoDB is away
        during = [await http.get(f"/v1/sessions/{session_id}"),
                  await http.get(f"/v1/sessions/{session_id}/registrations", headers=auth)]
        await burst
        up.restart_mongo()

    statuses = Counter(status for status, _, _ in answers.values())
    slowest = max(took for _, took, _ in answers.values())
    print(f"\nduring the outage: {dict(statuses)}; slowest answer {slowest:.2f} s")
    assert set(statuses) <= {201, 503}, statuses
    assert statuses[503] > 0 and statuses[201] >= 25
    assert slowest < RPC_TIMEOUT + SLACK
    for status, _, kind in answers.values():
        if status == 503:
            assert kind.startswith("application/problem+json")
    for reply in during:
        assert reply.status_code == 503, (reply.request.url, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")

    accepted = {address for address, (status, _, _) in answers.items() if status == 201}
    polls: list[set[tuple[str, str]]] = []

    async def settled() -> bool:
        """No registration left `received`, and none added or changed for STABLE polls.

        A request the gateway answered 503 may still run in its service, blocked in server
        selection (3 s), and complete once the database is back: checking before it did would
        compare the mails with too few registrations, and the ledger with a moving one."""
        try:
            _, found = await registrations_of(up, session_id)
        except Exception:  # still coming back
            return False
        polls.append({(r["_id"], r["status"]) for r in found})
        recent = polls[-STABLE:]
        return (all(r["status"] != "received" for r in found) and len(recent) == STABLE
                and all(seen == recent[-1] for seen in recent))

    # The sweeper finishes a registration left `received` 10 s after it was made.
    await eventually(settled, 45, "registrations settled (none `received`, none changing)",
                     interval=1.0)
    session, found = await registrations_of(up, session_id)
    by_status: dict[str, set[str]] = {}
    for registration in found:
        by_status.setdefault(registration["status"], set()).add(registration["_id"])
    assert set(by_status) <= {"confirmed", "waitlisted"}, by_status.keys()
    confirmed, waiting = by_status.get("confirmed", set()), by_status.get("waitlisted", set())
    ledger = (session["confirmed"], len(session["seats"]), len(confirmed))
    assert ledger[0] == ledger[1] == ledger[2] <= 40, (ledger, len(found), by_status.keys())
    assert set(session["seats"]) == confirmed
    assert set(session["waiting"]) == waiting
    assert len(confirmed) == 40 or not waiting  # nobody waits while a seat is free
    stored = {r["email"] for r in found}
    assert accepted <= stored, "a registration answered 201 is gone"
    await eventually(lambda: set(up.smtp.box.per_address()) == stored, 60,
                     "one mail per registration", interval=0.1)
    await settle(up)
    mails = up.smtp.box.per_address()
    print(f"201: {len(accepted)}, stored: {len(found)} ({len(confirmed)} confirmed, "
          f"{len(waiting)} waiting), mails: {sum(mails.values())}")
    assert up.smtp.box.doubled() == {}
    # Nothing is left `sending` to be sent again when its lease runs out.
    assert await delivery_statuses(up) == {"sent": len(stored)}
