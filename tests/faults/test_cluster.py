"""A three-node JetStream cluster, streams with three replicas: the node leading the
registration stream is killed (-9) in the middle of a registration burst and the services go on
without a restart. Every registration answered 201 is stored and mailed exactly once, no mail
goes out twice, the seat ledger is exact, a registration after the kill is mailed, and the
killed node, started again, catches up.

MongoDB is the embedded stand-in here (one server, no replica set to fail over): this test is
about the bus. One process per service, so none has a replica to hide behind.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import nats.errors
import pytest

from tests.faults.nats_cluster import NatsCluster, replicas_current, stream_leader
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

BURST = 240
CAPACITY = 100  # fewer seats than people: the ledger has to stay exact across the failover
STREAM = "REGISTRATION"


async def burst(up: Stack, session_id: str, answers: dict[str, int]) -> None:
    """BURST registrations, 32 at a time, each sent once: status code by address."""
    gate = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=up.gateway_url, timeout=30,
                                 limits=httpx.Limits(max_connections=32)) as http:

        async def one(i: int) -> None:
            address = f"cluster{i}@example.org"
            async with gate:
                reply = await http.post(f"/v1/sessions/{session_id}/registrations",
                                        json=person(address))
            answers[address] = reply.status_code

        await asyncio.gather(*(one(i) for i in range(BURST)))


async def kill_the_leader(cluster: NatsCluster) -> tuple[str, float]:
    """kill -9 the node leading the registration stream; the new leader and the seconds the
    stream went without one."""
    leader = await stream_leader(cluster.urls, STREAM)
    cluster.kill_node(cluster.index_of(leader))
    killed_at = time.monotonic()

    async def new_leader() -> str | None:
        try:
            found = await stream_leader(cluster.live_urls(), STREAM)
        except (AssertionError, TimeoutError, nats.errors.Error):  # no leader yet: ask again
            return None
        return found if found != leader else None

    elected = await eventually(new_leader, 30, "a new leader of the stream", interval=0.05)
    return f"{leader} -> {elected}", time.monotonic() - killed_at


def check_the_ledger(session: dict[str, Any], found: list[Any]) -> tuple[int, int]:
    """Seats taken = seats listed = confirmed registrations <= capacity; nobody waits while a
    seat is free. (confirmed, waiting)."""
    by_status: dict[str, set[str]] = {}
    for registration in found:
        by_status.setdefault(registration["status"], set()).add(registration["_id"])
    assert set(by_status) <= {"confirmed", "waitlisted"}, by_status.keys()
    confirmed, waiting = by_status.get("confirmed", set()), by_status.get("waitlisted", set())
    assert session["confirmed"] == len(session["seats"]) == len(confirmed) <= CAPACITY
    assert set(session["seats"]) == confirmed and set(session["waiting"]) == waiting
    assert len(confirmed) == CAPACITY or not waiting
    return len(confirmed), len(waiting)


async def test_the_stream_leader_killed_mid_burst_loses_and_doubles_nothing(
        stack: Callable[..., Stack]) -> None:
    up = stack(nats_nodes=3)
    cluster = up.nats
    assert isinstance(cluster, NatsCluster)
    session_id, _ = await open_session(up, capacity=CAPACITY)
    assert len(await replicas_current(cluster.urls, STREAM)) == 2  # three copies in all

    answers: dict[str, int] = {}
    registering = asyncio.create_task(burst(up, session_id, answers))
    await eventually(lambda: len(answers) >= BURST // 4, 60, "a quarter answered", interval=0.05)
    answered_before = len(answers)
    handover, leaderless_s = await kill_the_leader(cluster)
    await registering
    statuses = Counter(answers.values())
    assert set(statuses) <= {201, 503}, statuses  # never a 500, never a hang
    accepted = {address for address, status in answers.items() if status == 201}

    # The services were not restarted: a registration after the kill is stored and mailed.
    started = time.monotonic()
    late = await register_after_the_kill(up, session_id)
    await eventually(lambda: accepted | {late} <= set(up.smtp.box.per_address()), 90,
                     "every accepted registration mailed", interval=0.1)
    mailed_s = time.monotonic() - started
    await settle(up)  # a late duplicate, or a registration answered 503 but made, is in by now
    session, found = await registrations_of(up, session_id)
    stored = {registration["email"] for registration in found}
    assert accepted | {late} <= stored, "a registration answered 201 is gone"
    confirmed, waiting = check_the_ledger(session, found)
    mails = up.smtp.box.per_address()
    assert set(mails) == stored, "a stored registration without its mail, or the reverse"
    assert up.smtp.box.doubled() == {} and max(mails.values()) == 1
    assert await delivery_statuses(up) == {"sent": len(stored)}
    assert all(up.live(name) for name in up.processes), "a service died"

    restarted = time.monotonic()
    cluster.start_node(next(i for i, url in enumerate(cluster.urls)
                            if url not in cluster.live_urls()))
    caught_up = await eventually(lambda: _all_current(cluster), 30, "the killed node caught up")
    print(f"\nkilled {handover} after {answered_before} answers; stream leaderless "
          f"{leaderless_s:.2f} s; 201: {len(accepted)}, 503: {statuses[503]}; stored "
          f"{len(stored)} ({confirmed} confirmed, {waiting} waiting); mails {sum(mails.values())};"
          f" all mailed {mailed_s:.1f} s after the burst; node back and "
          f"current in {time.monotonic() - restarted:.1f} s ({caught_up})")


async def register_after_the_kill(up: Stack, session_id: str) -> str:
    """One registration after the failover, answered 201: its address."""
    address = "after-the-kill@example.org"
    async with httpx.AsyncClient(base_url=up.gateway_url, timeout=30) as http:
        reply = await http.post(f"/v1/sessions/{session_id}/registrations",
                                json=person(address))
    assert reply.status_code == 201, reply.text
    return address


async def _all_current(cluster: NatsCluster) -> dict[str, bool] | None:
    followers = await replicas_current(cluster.urls, STREAM)
    return followers if len(followers) == 2 and all(followers.values()) else None
