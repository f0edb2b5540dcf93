"""NATS gone for three minutes (kill -9), then back on the same port and store.

Before the fix the client gave up after 120 reconnection attempts (about two minutes), closed
its connection, and FastStream's pull consumers spun on it: 100% CPU, SIGTERM ignored, no
answer ever again. Here, while NATS is away: the gateway's liveness fails, a service's health
check fails, no process spins, and a service stops promptly on SIGTERM after the old limit.
Once NATS is back: every service answers its ping within 10 s, and every registration answered
201 is kept and mailed exactly once, including those whose events waited in JetStream's file
store through the kill (notify was paused when they were sent).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import nats
import pytest

from shared.bus import call, make_broker
from shared.contracts.rpc import Ping, Pong, RpcFailure
from shared.db import make_client
from shared.settings import SERVICES
from tests.faults.stack_support import Stack
from tests.faults.support import open_session, register_many, settle
from tests.support import eventually
from tests.support.up import ROOT

pytestmark = [pytest.mark.faults, pytest.mark.timeout(330)]

OUTAGE_S = 180.0
SIGTERM_AT_S = 150.0  # past the old limit: 120 attempts, one a second
ANSWER_WITHIN_S = 10.0
PER_PHASE = 20


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def outbox_is_empty(up: Stack) -> bool:
    client = make_client(up.settings, app_name="faults-check")
    try:
        db = client[up.settings.database_name("registration")]
        waiting = [await db[name].count_documents({"outbox.0": {"$exists": True}})
                   for name in ("sessions", "registrations")]
    finally:
        await client.close()
    return sum(waiting) == 0


async def live_answers(up: Stack, status: int) -> bool:
    async with httpx.AsyncClient(base_url=up.gateway_url, timeout=5) as http:
        return (await http.get("/health/live")).status_code == status


async def first_answers(up: Stack) -> dict[str, float]:
    """Seconds until each service answers its ping, counted from now."""
    started = time.monotonic()
    broker = make_broker(up.settings, client_name="faults-ping")
    await broker.connect()

    async def answered(service: str) -> float:
        while True:
            try:
                await call(broker, f"rpc.{service}.ping", Ping(), Pong, timeout=0.5)
                return time.monotonic() - started
            except RpcFailure:
                await asyncio.sleep(0.1)  # the first answer is timed, so asked again and again

    try:
        async with asyncio.timeout(ANSWER_WITHIN_S + 20):
            times = await asyncio.gather(*(answered(s) for s in SERVICES))
    finally:
        await broker.stop()
    return dict(zip(SERVICES, times, strict=True))


async def test_three_minutes_without_nats(stack: Callable[..., Stack]) -> None:
    up = stack(replicas=1)
    spare = up.spawn("registration", "services.registration")  # stopped during the outage
    await eventually(lambda: up.logs("registration").count('"service started"') == 2, 30,
                     "the spare registration replica started", interval=0.1)
    session_id, auth = await open_session(up)
    before = [f"before{i}@example.org" for i in range(PER_PHASE)]
    assert set((await register_many(up, session_id, before)).values()) == {201}
    await eventually(lambda: set(before) <= set(up.smtp.box.per_address()), 60, "mailed",
                     interval=0.1)

    [notify] = up.live("notify")
    notify.send_signal(signal.SIGSTOP)  # its events now wait in JetStream
    paused = [f"paused{i}@example.org" for i in range(PER_PHASE)]
    assert set((await register_many(up, session_id, paused)).values()) == {201}
    await eventually(lambda: outbox_is_empty(up), 30, "every event in JetStream", interval=0.1)
    connection = await nats.connect(up.nats.url)
    waiting = await connection.jetstream().consumer_info("REGISTRATION", "notify-registration")
    await connection.close()
    assert waiting.num_pending + waiting.num_ack_pending >= PER_PHASE  # not yet acked

    up.kill_nats()
    outage = time.monotonic()
    notify.send_signal(signal.SIGCONT)
    watched = [p for name in (*SERVICES, "gateway") for p in up.live(name) if p is not spare]
    await eventually(lambda: live_answers(up, 503), 15, "liveness fails without NATS", interval=0.1)
    check = subprocess.run([sys.executable, "-m", "shared.healthcheck", "registration"],
                           cwd=ROOT, env=up.env, timeout=30, check=False)
    assert check.returncode == 1
    cpu_from, cpu_at = {p.pid: cpu_seconds(p.pid) for p in watched}, time.monotonic()

    # Part of the scenario: the moment of the outage at which one service is asked to stop.
    await asyncio.sleep(outage + SIGTERM_AT_S - time.monotonic())
    spare.send_signal(signal.SIGTERM)
    asked = time.monotonic()
    await eventually(lambda: spare.poll() is not None, 15, "SIGTERM stops a service", interval=0.1)
    stop_took = time.monotonic() - asked
    assert spare.returncode == 0

    # Part of the scenario: NATS stays down this long; the processes must idle meanwhile.
    await asyncio.sleep(outage + OUTAGE_S - time.monotonic())
    busy = {p.pid: (cpu_seconds(p.pid) - cpu_from[p.pid]) / (time.monotonic() - cpu_at)
            for p in watched}
    assert max(busy.values()) < 0.1, busy  # a spinning process uses a whole core
    up.restart_nats()
    answers = await first_answers(up)
    assert max(answers.values()) <= ANSWER_WITHIN_S, answers
    assert all(p.poll() is None for p in watched), "every process lived through it"
    assert await live_answers(up, 200)

    everyone = set(before) | set(paused)
    async with httpx.AsyncClient(base_url=up.gateway_url, timeout=10, headers=auth) as http:
        page = await http.get(f"/v1/sessions/{session_id}/registrations", params={"limit": 200})
    assert {item["email"] for item in page.json()["items"]} == everyone
    await eventually(lambda: everyone <= set(up.smtp.box.per_address()), 30, "all mailed",
                     interval=0.1)
    await settle(up)  # a late duplicate would be mailed by now
    assert max(up.smtp.box.per_address().values()) == 1 and up.smtp.box.doubled() == {}
    print(f"\noutage {OUTAGE_S:.0f} s; SIGTERM at {SIGTERM_AT_S:.0f} s stopped in "
          f"{stop_took:.1f} s; busiest process {max(busy.values()):.1%} CPU; first pings after "
          f"restart: " + ", ".join(f"{s} {t:.1f} s" for s, t in answers.items()))
