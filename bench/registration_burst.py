"""Registration burst: many people submit the form for one popular session at once.

Starts nats-server and the embedded MongoDB stand-in, R replicas of the registration service
and the gateway app in-process, creates a session of capacity N/5, then fires N concurrent
`POST /v1/sessions/{id}/registrations` through the gateway (httpx on the ASGI app: HTTP,
validation, NATS RPC, the seat ledger, the outbox). It checks the outcome (exactly the capacity
confirmed, the rest waiting 1..k) and measures throughput and p50/p99 latency.

CPU milliseconds per operation of this process (gateway and services), of the stand-in and
of nats-server say where the time goes on a small machine; so does the number of MongoDB
commands per operation that this process sends (each costs the stand-in a few tenths of a
millisecond, more on a document that has grown).

Baseline, same run, same clients: N concurrent "plain" operations, each one `insert_one` of a
registration-sized document plus one JetStream publish (what a registration costs at the very
least: one write and one event), with no HTTP, RPC, dedupe or ledger. A second reference, the
gateway floor: as many concurrent public reads of the session through the same gateway and
RPC, which tells the registration's own work from the cost of the path every request takes.
Last, LONE registrations one after another: the commands a registration takes with nothing
to share a command with (the burst's writes are group-committed: store/batched.py).

    uv run python bench/registration_burst.py [--n 500] [--replicas 2] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pymongo import monitoring

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cpu import CpuMeter
from services.gateway.app import create_app
from services.gateway.context import gateway_of
from services.gateway.settings import GatewaySettings
from services.registration.bootstrap import SPEC
from shared.bus import declare_streams, make_broker, service_stream
from shared.db import make_client
from shared.servers import start_mongo, start_nats
from shared.service import start_service
from shared.settings import Settings

RESULTS = Path(__file__).parent / "results" / "registration_burst.json"
LONE = 20
"""Registrations sent one after another at the end, for the commands a lone one takes."""


class CommandCount(monitoring.CommandListener):
    """MongoDB commands this process sends (driver chatter left out), since `start()`."""

    CHATTER = frozenset({"hello", "ismaster", "isMaster", "endSessions"})

    def __init__(self) -> None:
        self.count = 0
        self.by_kind: Counter[str] = Counter()

    def start(self) -> None:
        self.count = 0
        self.by_kind = Counter()

    def per_operation(self, operations: int) -> dict[str, Any]:
        """Commands per operation, in all and by kind (`command collection`)."""
        return {"mongo_cmds": round(self.count / operations, 2),
                "mongo_cmds_by_kind": {kind: round(count / operations, 3)
                                       for kind, count in self.by_kind.most_common()}}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name not in self.CHATTER:
            self.count += 1
            target = event.command.get(event.command_name)
            self.by_kind[f"{event.command_name} {target if isinstance(target, str) else ''}"] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


COMMANDS = CommandCount()
monitoring.register(COMMANDS)  # every client made after this reports to it


def person(i: int) -> dict[str, Any]:
    return {"name": f"Participant {i}", "email": f"p{i}@example.org", "country": "MX",
            "institution": "Agency", "sector": "government", "job_title": "Analyst",
            "preferred_language": "es", "consent": True}


async def timed_burst(n: int, one: Callable[[int], Awaitable[None]]) -> dict[str, float]:
    """Run `one(i)` for i < n all at once; throughput and latency percentiles in ms."""
    latencies: list[float] = []

    async def run(i: int) -> None:
        started = time.perf_counter()
        await one(i)
        latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(run(i) for i in range(n)))
    wall = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {"n": n, "seconds": round(wall, 3), "per_s": round(n / wall, 1),
            "p50_ms": round(cuts[49], 1), "p99_ms": round(cuts[98], 1)}


async def baseline(settings: Settings, n: int) -> dict[str, float]:
    client = make_client(settings, app_name="bench-baseline")
    broker = make_broker(settings, client_name="bench-baseline")
    await broker.connect()
    await declare_streams(broker, settings, service_stream("benchbase"))
    collection = client[f"{settings.db_prefix}_baseline"]["plain"]
    run = uuid.uuid4().hex[:6]

    async def one(i: int) -> None:
        document = {"_id": f"{run}-{i}", **person(i), "status": "confirmed", "outbox": []}
        await collection.insert_one(document)
        await broker.publish(json.dumps(person(i)).encode(), "benchbase.registered.v1",
                             headers={"Nats-Msg-Id": f"{run}-{i}"}, stream="BENCHBASE")

    try:
        return await timed_burst(n, one)
    finally:
        await broker.stop()
        await client.close()


async def stand_in(settings: Settings, n: int) -> dict[str, float]:
    """The stand-in's own write speed: the same inserts with nothing else (no publish)."""
    client = make_client(settings, app_name="bench-stand-in")
    collection = client[f"{settings.db_prefix}_baseline"]["insert_only"]
    run = uuid.uuid4().hex[:6]

    async def one(i: int) -> None:
        await collection.insert_one({"_id": f"{run}-{i}", **person(i), "outbox": []})

    try:
        return await timed_burst(n, one)
    finally:
        await client.close()


async def published_session(http: httpx.AsyncClient, auth: dict[str, str],
                            capacity: int) -> str:
    starts = datetime.now(UTC) + timedelta(days=7)
    created = await http.post("/v1/sessions", headers=auth, json={
        "title": {"es": "Sesión popular"}, "format": "webinar", "timezone": "America/Mexico_City",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "languages": ["es"], "capacity": capacity, "join_url": "https://meet.example.org/x"})
    session_id: str = created.json()["id"]
    await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
    return session_id


async def burst(http: httpx.AsyncClient, auth: dict[str, str], n: int) -> dict[str, Any]:
    capacity = max(n // 5, 1)
    session_id = await published_session(http, auth, capacity)
    answers: list[dict[str, Any]] = []

    async def one(i: int) -> None:
        reply = await http.post(f"/v1/sessions/{session_id}/registrations", json=person(i),
                                headers=client_address(i))
        assert reply.status_code == 201, reply.text
        answers.append(reply.json())

    figures: dict[str, Any] = await timed_burst(n, one)
    confirmed = sum(a["status"] == "confirmed" for a in answers)
    positions = sorted(a["waitlist_position"] for a in answers if a["status"] == "waitlisted")
    figures["exact"] = confirmed == capacity and positions == list(range(1, n - capacity + 1))
    figures["session_id"] = session_id
    return figures


async def floor(http: httpx.AsyncClient, session_id: str, n: int) -> dict[str, float]:
    """The plumbing alone: the same number of public reads of the session through the same
    gateway, HTTP client and NATS RPC (one MongoDB find each), to tell the registration's own
    work from what any request through this path costs."""
    async def one(i: int) -> None:
        reply = await http.get(f"/v1/sessions/{session_id}", headers=client_address(i))
        assert reply.status_code == 200, reply.text

    return await timed_burst(n, one)


async def lone(http: httpx.AsyncClient, auth: dict[str, str], n: int) -> dict[str, Any]:
    """Registrations one after another (each alone, so nothing to batch), half of them
    taking a seat and half joining the waiting list: the commands a lone one takes."""
    session_id = await published_session(http, auth, n // 2)
    started = time.perf_counter()
    for i in range(n):
        reply = await http.post(f"/v1/sessions/{session_id}/registrations",
                                json=person(10**6 + i), headers=client_address(10**6 + i))
        assert reply.status_code == 201, reply.text
    wall = time.perf_counter() - started
    await asyncio.sleep(0.5)  # the relay's removal of what it published, counted too
    return {"n": n, "seconds": round(wall, 3), "per_s": round(n / wall, 1),
            "p50_ms": round(wall / n * 1000, 1), "p99_ms": "", "exact": ""}


def as_a_crowd(app: Any) -> Any:
    """The app seen from many addresses: each request comes from the one in `X-Bench-Client`
    (what uvicorn does with X-Forwarded-For from a trusted proxy), so the public rate limit
    counts a crowd of clients, as in production, not one client making every request."""
    async def from_its_client(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"x-bench-client":
                    scope = {**scope, "client": (value.decode(), 0)}
        await app(scope, receive, send)

    return from_its_client


def client_address(i: int) -> dict[str, str]:
    return {"X-Bench-Client": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}


async def main(n: int, replicas: int, rounds: int) -> None:
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="bench-registration-"))
    nats, mongo = start_nats(folder / "nats"), start_mongo(folder / "mongo")
    settings = Settings(nats_url=nats.url, mongo_url=mongo.url, data_dir=folder / "data",
                        db_prefix="bench")
    services = [await start_service(SPEC, settings) for _ in range(replicas)]
    app = create_app(settings, GatewaySettings(public_rate_limit=10**9, rpc_timeout=60.0))
    rows: list[dict[str, Any]] = []
    raw: dict[str, Any] = {}
    plumbing: dict[str, Any] = {}
    sequential: dict[str, Any] = {}
    try:
        async with app.lifespan():
            _, key = await gateway_of(app).keys.create("secretariat", "bench", datetime.now(UTC))
            auth = {"Authorization": f"Bearer {key}"}
            transport = httpx.ASGITransport(as_a_crowd(app))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                         timeout=120) as http:
                meter = CpuMeter({"cpu_ms_this_process": os.getpid(),
                                  "cpu_ms_stand_in": mongo.process.pid,
                                  "cpu_ms_nats": nats.process.pid})
                meter.start()
                COMMANDS.start()
                raw = {**await stand_in(settings, n), **meter.per_operation_ms(n),
                       **COMMANDS.per_operation(n)}
                for _ in range(rounds):
                    meter.start()
                    COMMANDS.start()
                    rows.append({"what": "baseline: insert + publish",
                                 **await baseline(settings, n), **meter.per_operation_ms(n),
                                 **COMMANDS.per_operation(n)})
                    meter.start()
                    COMMANDS.start()
                    rows.append({"what": f"gateway burst ({replicas} replicas)",
                                 **await burst(http, auth, n), **meter.per_operation_ms(n),
                                 **COMMANDS.per_operation(n)})
                meter.start()
                COMMANDS.start()
                plumbing = {**await floor(http, rows[-1]["session_id"], n),
                            **meter.per_operation_ms(n), **COMMANDS.per_operation(n)}
                meter.start()
                COMMANDS.start()
                sequential = {**await lone(http, auth, LONE), **meter.per_operation_ms(LONE),
                              **COMMANDS.per_operation(LONE)}
    finally:
        for service in services:
            await service.stop()
        nats.stop()
        mongo.stop()
    report(rows, n, replicas, raw, plumbing, sequential)


def report(rows: list[dict[str, Any]], n: int, replicas: int, raw: dict[str, Any],
           plumbing: dict[str, Any], sequential: dict[str, Any]) -> None:
    print(f"{'what':<34} {'n':>5} {'s':>7} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}  "
          f"{'CPU ms/op: here':>15} {'stand-in':>8} {'nats':>6} {'mongo cmds/op':>13}  exact")
    for row in [*rows, {"what": "stand-in alone: insert only", **raw},
                {"what": "gateway floor: GET the session", **plumbing},
                {"what": "lone: one after another", **sequential}]:
        print(f"{row['what']:<34} {row['n']:>5} {row['seconds']:>7} {row['per_s']:>8} "
              f"{row['p50_ms']:>8} {row['p99_ms']:>8}  {row['cpu_ms_this_process']:>15} "
              f"{row['cpu_ms_stand_in']:>8} {row['cpu_ms_nats']:>6} {row['mongo_cmds']:>13}  "
              f"{row.get('exact', '')}")
    base = [r for r in rows if r["what"].startswith("baseline")]
    real = [r for r in rows if not r["what"].startswith("baseline")]
    ratio = {"throughput_vs_baseline": round(real[-1]["per_s"] / base[-1]["per_s"], 3),
             "p50_vs_baseline": round(real[-1]["p50_ms"] / base[-1]["p50_ms"], 1),
             "p99_vs_baseline": round(real[-1]["p99_ms"] / base[-1]["p99_ms"], 1),
             "throughput_vs_gateway_floor": round(real[-1]["per_s"] / plumbing["per_s"], 3)}
    print("ratios (last round):", ratio)
    for row in [rows[-1], {"what": "gateway floor", **plumbing},
                {"what": "lone registrations", **sequential}]:
        print(f"mongo commands per operation, {row['what']}:", row["mongo_cmds_by_kind"])
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"n": n, "replicas": replicas, "rows": rows,
                                   "stand_in": raw, "gateway_floor": plumbing,
                                   "lone": sequential, **ratio},
                                  indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=500, help="concurrent registrations")
    parser.add_argument("--replicas", type=int, default=2, help="registration replicas")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.replicas, args.rounds))
