"""Kept-alive connections: sequential requests on one connection, as browsers and integrations
make them, against `dialogues up` at its defaults.

Measured one request at a time, the kinds taking turns of 20 back-to-back requests each (so
a busy moment of the machine falls on every kind alike):

  - `GET /health/live`, `GET /v1/sessions/{id}` and `POST /v1/sessions/{id}/registrations`
    on ONE kept-alive connection (checked: every answer came on the same client port);
  - the same requests each on a NEW connection (`Connection: close`, checked: the server
    closed each after its answer);
  - the raw baseline: `insert_one` of a registration-sized document into the same MongoDB
    stand-in plus one JetStream publish to the same nats-server, from this process.

Without TCP_NODELAY on the gateway's accepted connections every answer on a kept-alive
connection waited about 40 ms for the client's delayed ACK. Goal: a registration's p50 on a
kept-alive connection at most 6 times the raw insert + publish.

Every request names a distinct client in `X-Forwarded-For` (the public rate limit counts per
client), so the run sets `TRUSTED_PROXIES=127.0.0.1`, as `registration_rush.py` does; nothing
else differs from the defaults.

    uv run python bench/keepalive.py [--n 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.up import running_system  # noqa: E402
from shared.broker import make_broker  # noqa: E402
from shared.db import make_client  # noqa: E402
from shared.settings import Settings  # noqa: E402
from shared.streams import declare_streams, service_stream  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "keepalive.json"
NON_DEFAULT = {"TRUSTED_PROXIES": "127.0.0.1"}
TARGET_RATIO = 6.0
BATCH = 20
"""Requests of one kind back to back before the next kind's turn. Back to back is how the
stall shows: after a pause between two requests Linux acknowledges at once for a while
(quick-ACK), so strict alternation of kinds would hide the wait from a kept-alive client."""
KINDS = ("raw: insert + publish",
         "GET /health/live, kept-alive", "GET /health/live, new connections",
         "GET /v1/sessions/{id}, kept-alive", "GET /v1/sessions/{id}, new connections",
         "POST registration, kept-alive", "POST registration, new connections")

Operation = Callable[[int], Awaitable[str | None]]
"""One request i; returns the connection it went on (None for the raw baseline)."""


def person(i: int) -> dict[str, Any]:
    return {"name": f"Participant {i}", "email": f"keepalive{i}@example.org", "country": "MX",
            "institution": "Agency", "sector": "government", "job_title": "Analyst",
            "preferred_language": "es", "consent": True}


def client_address(i: int) -> str:
    """A distinct client per request, in the benchmarking range 198.18.0.0/15."""
    return f"198.18.{i // 256}.{i % 256}"


def server_urls(up_log: Path) -> dict[str, str]:
    """The nats-server and stand-in `dialogues up` started, as its log names them."""
    found = re.findall(r"\b(nats|mongo) on ((?:nats|mongodb)://[^\s\"]+)", up_log.read_text())
    return dict(found)


def secretariat_key(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "cli.main", "keys", "create", "--role",
                           "secretariat", "--name", "bench"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


async def open_session(http: httpx.AsyncClient, key: str, capacity: int) -> str:
    """A published session with a seat for every registration this run makes."""
    auth = {"Authorization": f"Bearer {key}"}
    starts = datetime.now(UTC) + timedelta(days=7)
    created = await http.post("/v1/sessions", headers=auth, json={
        "title": {"es": "Sesión"}, "format": "webinar", "timezone": "America/Mexico_City",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "languages": ["es"], "capacity": capacity, "join_url": "https://meet.example.org/k"})
    created.raise_for_status()
    session_id = str(created.json()["id"])
    (await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)).raise_for_status()
    return session_id


def http_operations(http: httpx.AsyncClient, session_id: str, block: int) -> list[Operation]:
    """GET live, GET session, POST registration through `http`; `block` keeps the person
    (and client address) of each registration apart from the other client's."""

    async def send(method: str, path: str, i: int, body: Any = None) -> str:
        async with http.stream(method, path, json=body,
                               headers={"X-Forwarded-For": client_address(i)}) as reply:
            # Read while the connection is open: a closing one no longer has an address.
            port = reply.extensions["network_stream"].get_extra_info("client_addr")[1]
            await reply.aread()
        assert reply.status_code < 300, (reply.status_code, reply.text[:300])
        # A connection the server closed after this answer was this request's own (a later
        # one may get the same client port); an open one is named by its port.
        return f"{port}/{i}" if reply.headers.get("connection") == "close" else str(port)

    async def live(i: int) -> str:
        return await send("GET", "/health/live", block + i)

    async def session(i: int) -> str:
        return await send("GET", f"/v1/sessions/{session_id}", block + i)

    async def register(i: int) -> str:
        return await send("POST", f"/v1/sessions/{session_id}/registrations", block + i,
                          person(block + i))

    return [live, session, register]


async def measure(operations: list[Operation], numbers: range, batch: int
                  ) -> list[dict[str, Any]]:
    """Each operation once per number, in turns of `batch` back-to-back calls of one kind;
    per kind p50/p90/p99 ms and the connections used."""
    timings: list[list[float]] = [[] for _ in operations]
    ports: list[set[str | None]] = [set() for _ in operations]
    for first in range(numbers.start, numbers.stop, batch):
        for kind, operation in enumerate(operations):
            for i in range(first, min(first + batch, numbers.stop)):
                started = time.perf_counter()
                ports[kind].add(await operation(i))
                timings[kind].append((time.perf_counter() - started) * 1000)
    return [figures(name, times, used) for name, times, used in zip(KINDS, timings, ports,
                                                                       strict=True)]


def figures(name: str, times: list[float], ports: set[str | None]) -> dict[str, Any]:
    cuts = statistics.quantiles(times, n=100)
    return {"what": name, "n": len(times), "p50_ms": round(cuts[49], 2),
            "p90_ms": round(cuts[89], 2), "p99_ms": round(cuts[98], 2),
            "connections": len(ports - {None})}


async def bench(n: int, folder: Path) -> dict[str, Any]:
    # A busy machine can take over a minute to start every process; the figures are ratios.
    with running_system(folder, NON_DEFAULT, ready_seconds=300) as (base, env):
        urls = server_urls(folder / "up.log")
        settings = Settings(nats_url=urls["nats"], mongo_url=urls["mongo"],
                            data_dir=folder / "bench", db_prefix="benchkeepalive")
        mongo = make_client(settings, app_name="bench-keepalive")
        broker = make_broker(settings, client_name="bench-keepalive")
        await broker.connect()
        await declare_streams(broker, settings, service_stream("benchbase"))
        plain, run = mongo[f"{settings.db_prefix}_baseline"]["plain"], uuid.uuid4().hex[:6]

        async def raw(i: int) -> None:
            await plain.insert_one({"_id": f"{run}-{i}", **person(i), "status": "confirmed",
                                    "outbox": []})
            await broker.publish(json.dumps(person(i)).encode(), "benchbase.registered.v1",
                                 headers={"Nats-Msg-Id": f"{run}-{i}"}, stream="BENCHBASE")

        kept = httpx.AsyncClient(base_url=base, timeout=60, trust_env=False,
                                 limits=httpx.Limits(max_connections=1))
        fresh = httpx.AsyncClient(base_url=base, timeout=60, trust_env=False,
                                  headers={"Connection": "close"})
        try:
            session_id = await open_session(kept, secretariat_key(env), capacity=4 * n + 10)
            kept_ops = http_operations(kept, session_id, block=0)
            fresh_ops = http_operations(fresh, session_id, block=2 * n + 5)
            order = [raw, kept_ops[0], fresh_ops[0], kept_ops[1], fresh_ops[1],
                     kept_ops[2], fresh_ops[2]]
            await measure(order, range(n, n + 3), BATCH)  # warm-up: not counted
            rows = await measure(order, range(n), BATCH)
        finally:
            await kept.aclose()
            await fresh.aclose()
            await broker.stop()
            await mongo.close()
    return outcome(n, rows)


def outcome(n: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows beside the raw baseline, and the checks."""
    raw = rows[0]
    for row in rows:
        row["p50_x_raw"] = round(row["p50_ms"] / raw["p50_ms"], 2)
    by_name = {row["what"]: row for row in rows}
    registration = by_name["POST registration, kept-alive"]
    checks = {
        "kept_alive_on_one_connection": all(
            row["connections"] == 1 for row in rows if row["what"].endswith("kept-alive")),
        "new_connection_each": all(
            row["connections"] == row["n"] for row in rows
            if row["what"].endswith("new connections")),
        "registration_p50_within_6x_raw": registration["p50_x_raw"] <= TARGET_RATIO,
    }
    return {"n": n, "non_default": NON_DEFAULT, "rows": rows,
            "registration_p50_x_raw": registration["p50_x_raw"], "target_x_raw": TARGET_RATIO,
            "checks": checks, "met": all(checks.values())}


def report(result: dict[str, Any]) -> None:
    print(f"{result['n']} sequential requests of each kind, in turns of {BATCH}; `dialogues up` "
          f"at default settings but {result['non_default']}")
    print(f"{'what':<40} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'p50 x raw':>10} "
          f"{'connections':>12}")
    for row in result["rows"]:
        print(f"{row['what']:<40} {row['p50_ms']:>8} {row['p90_ms']:>8} {row['p99_ms']:>8} "
              f"{row['p50_x_raw']:>10} {row['connections']:>12}")
    print(f"registration p50 on a kept-alive connection: x{result['registration_p50_x_raw']} "
          f"the raw insert + publish (goal <= x{result['target_x_raw']:g})")
    print("checks:", ", ".join(f"{k} {'yes' if v else 'NO'}"
                               for k, v in result["checks"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="requests of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-keepalive-") as folder:
        result = asyncio.run(bench(args.n, Path(folder)))
    report(result)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
