"""Sustained registrations: 200 a second for 60 s through the gateway at DEFAULT settings.

`dialogues up` as an operator starts it (bench/up.py); request i leaves at i/rate seconds
whether or not earlier ones were answered (open loop: a slow answer does not slow the
arrivals, as with a real crowd). Each registrant is a distinct client, its address in
`X-Forwarded-For` (the one non-default setting, TRUSTED_PROXIES, lets the gateway believe
it), so the public rate limit counts each one as the crowd's members are counted.

Checked: every answer a 201 (no error of any kind), exactly `capacity` confirmed and the rest
waitlisted at positions 1, 2, ... without a gap, the registration list agrees with the
answers; p50/p99/slowest answer; target p99 < 1 s.

Baseline, same run, same servers (the system's own NATS and MongoDB), same schedule: one
`insert_one` of a registration-sized document plus one JetStream publish per request, what
a registration costs at the very least.

    uv run python bench/registration_sustained.py [--rate 200] [--seconds 60] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.bare_http import Answer, one_request  # noqa: E402
from bench.cpu import CpuMeter  # noqa: E402
from bench.registration_rush import (  # noqa: E402
    NON_DEFAULT,
    client_address,
    outcome,
    person,
    processes,
    registrations,
    secretariat_key,
    spread,
)
from bench.up import running_system  # noqa: E402
from shared.bus import declare_streams, make_broker, service_stream  # noqa: E402
from shared.db import make_client  # noqa: E402
from shared.settings import Settings  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "registration_sustained.json"
TARGET_P99_MS = 1000.0


def system_servers(folder: Path) -> tuple[str, str]:
    """The NATS and MongoDB URLs `dialogues up` started, from its log."""
    text = (folder / "up.log").read_text()
    found = dict(re.findall(r"\b(nats|mongo) on (\S+)", text))
    return found["nats"], found["mongo"]


async def raw_baseline(folder: Path, n: int, seconds: float) -> dict[str, Any]:
    """insert_one + JetStream publish per request, on the same schedule and servers."""
    nats_url, mongo_url = system_servers(folder)
    settings = Settings(nats_url=nats_url, mongo_url=mongo_url, data_dir=folder / "raw",
                        db_prefix="benchraw")
    client = make_client(settings, app_name="bench-raw")
    broker = make_broker(settings, client_name="bench-raw")
    await broker.connect()
    await declare_streams(broker, settings, service_stream("benchraw"))
    collection = client[f"{settings.db_prefix}_baseline"]["plain"]
    run = uuid.uuid4().hex[:6]

    async def one(i: int) -> Answer:
        document = {"_id": f"{run}-{i}", **person(i), "status": "confirmed", "outbox": []}
        await collection.insert_one(document)
        await broker.publish(json.dumps(person(i)).encode(), "benchraw.registered.v1",
                             headers={"Nats-Msg-Id": f"{run}-{i}"}, stream="BENCHRAW")
        return Answer(201, {}, b"{}")

    try:
        return await spread(n, seconds, one)
    finally:
        await broker.stop()
        await client.close()


async def bench(rate: float, seconds: float, capacity: int, folder: Path) -> dict[str, Any]:
    n = round(rate * seconds)
    with running_system(folder, NON_DEFAULT) as (base, env):
        auth = {"Authorization": f"Bearer {secretariat_key(env)}"}
        async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as http:
            session_id = await popular_session(http, auth, capacity)
            host, port = http.base_url.host, http.base_url.port or 80

            async def register(i: int) -> Answer:
                return await one_request(host, port, "POST",
                                         f"/v1/sessions/{session_id}/registrations",
                                         {"X-Forwarded-For": client_address(i % 65536,
                                                                            i // 65536)},
                                         person(i))

            meter = CpuMeter(processes(folder / "data"))
            meter.start()
            raw = await raw_baseline(folder, n, seconds)
            raw["cpu_ms_per_op"] = meter.per_operation_ms(n)
            meter.start()
            load = await spread(n, seconds, register)
            load["cpu_ms_per_op"] = meter.per_operation_ms(n)
            held = await registrations(http, auth, session_id)
            session = (await http.get(f"/v1/sessions/{session_id}", headers=auth)).json()
    result = outcome(n, capacity, seconds, raw, load, held, session)
    result["rate"] = rate
    result["errors"] = n - result["rush"]["statuses"].get(201, 0)
    result["checks"]["no_errors"] = result["errors"] == 0
    result["checks"]["p99_under_1_s"] = result["rush"]["p99_ms"] < TARGET_P99_MS
    result["met"] = all(result["checks"].values())
    return result


async def popular_session(http: httpx.AsyncClient, auth: dict[str, str], capacity: int) -> str:
    """A published session of `capacity` seats; its id."""
    starts = datetime.now(UTC) + timedelta(days=7)
    created = await http.post("/v1/sessions", headers=auth, json={
        "title": {"es": "Sesión con demanda sostenida"}, "format": "webinar",
        "timezone": "America/Mexico_City", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(), "languages": ["es"],
        "capacity": capacity, "join_url": "https://meet.example.org/sustained"})
    created.raise_for_status()
    session_id: str = created.json()["id"]
    (await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)).raise_for_status()
    return session_id


def report(result: dict[str, Any]) -> None:
    print(f"{result['rate']:g} registrations/s for {result['spread_s']:g} s ({result['n']}), "
          f"capacity {result['capacity']}, default settings but {result['non_default']}")
    print(f"{'what':<34} {'n':>6} {'s':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for name, row in (("raw: insert + publish", result["baseline"]),
                      ("sustained: POST registrations", result["rush"])):
        print(f"{name:<34} {row['n']:>6} {row['seconds']:>6} {row['p50_ms']:>8} "
              f"{row['p99_ms']:>8} {row['max_ms']:>8}  {row['statuses']}")
    cpu = result["rush"]["cpu_ms_per_op"]
    print("CPU ms per registration: " + ", ".join(f"{k} {v}" for k, v in cpu.items())
          + f"; all {round(sum(cpu.values()), 1)}")
    print(f"errors {result['errors']}; confirmed {result['confirmed']}, waitlisted "
          f"{result['waitlisted']}, held {result['registrations_held']}; p99 "
          f"x{result['p99_vs_baseline']} the raw baseline")
    print("checks:", ", ".join(f"{k} {'yes' if v else 'NO'}"
                               for k, v in result["checks"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="registrations a second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long")
    parser.add_argument("--capacity", type=int, default=None, help="seats (default: 3/10)")
    parser.add_argument("--quick", action="store_true", help="CI-size: 100/s for 10 s")
    args = parser.parse_args()
    rate, seconds = (100.0, 10.0) if args.quick else (args.rate, args.seconds)
    capacity = args.capacity or max(1, round(rate * seconds) * 3 // 10)
    with tempfile.TemporaryDirectory(prefix="bench-sustained-") as folder:
        result = asyncio.run(bench(rate, seconds, capacity, Path(folder)))
    report(result)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
