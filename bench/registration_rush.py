"""Registration rush: 1,000 people register for one session within one second, at DEFAULT
settings, through the whole system as an operator starts it (`dialogues up`).

Each registrant is a distinct client: its own address, given in `X-Forwarded-For` (the public
rate limit counts per client address, in MongoDB). For the gateway to believe that header the
run sets `TRUSTED_PROXIES=127.0.0.1`, the only setting that differs from the defaults (besides
where things live: a temporary DATA_DIR and a free port). Request i leaves at i/n of a second.

Checked: no 5xx, every answer a 201, exactly `capacity` confirmed and the rest waitlisted at
positions 1, 2, ... without a gap, the session and the registration list agree (no
duplicates, nothing done for a request that was not answered 201), every answer within 10 s.

Baseline, same run, same clients and pattern: n public GETs of the session, the path every
request takes (HTTP, rate limit, RPC, one MongoDB read) without the registration's own work.

    uv run python bench/registration_rush.py [--n 1000] [--capacity 300] [--seconds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bare_http import Answer, one_request  # noqa: E402
from bench.cpu import CpuMeter  # noqa: E402
from bench.up import running_system  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "registration_rush.json"
ANSWER_WITHIN_S = 10.0
NON_DEFAULT = {"TRUSTED_PROXIES": "127.0.0.1"}
"""The one setting this run changes: registrants' addresses come in X-Forwarded-For."""

def processes(data_dir: Path) -> dict[str, int]:
    """The processes `dialogues up` started, by name, from its pid files."""
    return {path.stem: int(path.read_text().strip())
            for path in sorted((data_dir / "run").glob("*.pid")) if path.stem != "supervisor"}


def secretariat_key(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "cli.main", "keys", "create", "--role",
                           "secretariat", "--name", "bench"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


def client_address(i: int, block: int) -> str:
    """A distinct address per registrant, in the benchmarking range 198.18.0.0/15."""
    return f"198.{18 + block}.{i // 256}.{i % 256}"


def person(i: int) -> dict[str, Any]:
    return {"name": f"Participant {i}", "email": f"rush{i}@example.org", "country": "MX",
            "institution": "Agency", "sector": "government", "job_title": "Analyst",
            "preferred_language": "es", "consent": True}


Send = Callable[[int], Awaitable[Answer]]


async def spread(n: int, seconds: float, send: Send) -> dict[str, Any]:
    """Send request i at i/n of `seconds`; statuses, answers and latency of each from its send."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    answers: list[dict[str, Any]] = []
    retry_after: list[str] = []
    start = time.perf_counter()

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, start + seconds * i / n - time.perf_counter()))
        sent = time.perf_counter()
        try:
            reply = await send(i)
        except OSError as error:  # a refused or dropped connection counts as a 5xx
            statuses[599] += 1
            latencies.append((time.perf_counter() - sent) * 1000)
            answers.append({"error": type(error).__name__})
            return
        latencies.append((time.perf_counter() - sent) * 1000)
        statuses[reply.status] += 1
        if "retry-after" in reply.headers:
            retry_after.append(reply.headers["retry-after"])
        if reply.status < 300:
            answers.append(reply.json())

    await asyncio.gather(*(one(i) for i in range(n)))
    wall = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    return {"n": n, "seconds": round(wall, 2), "statuses": dict(sorted(statuses.items())),
            "five_xx": sum(c for s, c in statuses.items() if s >= 500),
            "p50_ms": round(cuts[49], 1), "p99_ms": round(cuts[98], 1),
            "max_ms": round(max(latencies), 1), "retry_after": sorted(set(retry_after)),
            "answers": answers}


async def registrations(http: httpx.AsyncClient, auth: dict[str, str],
                        session_id: str) -> list[dict[str, str]]:
    """Every registration the service holds for the session (the secretariat's CSV)."""
    reply = await http.get(f"/v1/sessions/{session_id}/registrations",
                           headers={**auth, "Accept": "text/csv"})
    reply.raise_for_status()
    return list(csv.DictReader(io.StringIO(reply.text)))


async def bench(n: int, capacity: int, seconds: float, folder: Path) -> dict[str, Any]:
    with running_system(folder, NON_DEFAULT) as (base, env):
        auth = {"Authorization": f"Bearer {secretariat_key(env)}"}
        async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as http:
            starts = datetime.now(UTC) + timedelta(days=7)
            created = await http.post("/v1/sessions", headers=auth, json={
                "title": {"es": "Sesión muy solicitada"}, "format": "webinar",
                "timezone": "America/Mexico_City", "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=1)).isoformat(), "languages": ["es"],
                "capacity": capacity, "join_url": "https://meet.example.org/rush"})
            created.raise_for_status()
            session_id = created.json()["id"]
            (await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
             ).raise_for_status()

            host, port = http.base_url.host, http.base_url.port or 80

            async def read(i: int) -> Answer:
                return await one_request(host, port, "GET", f"/v1/sessions/{session_id}",
                                         {"X-Forwarded-For": client_address(i, 1)})

            async def register(i: int) -> Answer:
                return await one_request(host, port, "POST",
                                         f"/v1/sessions/{session_id}/registrations",
                                         {"X-Forwarded-For": client_address(i, 0)}, person(i))

            meter = CpuMeter(processes(folder / "data"))
            meter.start()
            baseline = await spread(n, seconds, read)
            baseline["cpu_ms_per_op"] = meter.per_operation_ms(n)
            meter.start()
            rush = await spread(n, seconds, register)
            rush["cpu_ms_per_op"] = meter.per_operation_ms(n)
            held = await registrations(http, auth, session_id)
            session = (await http.get(f"/v1/sessions/{session_id}", headers=auth)).json()
    return outcome(n, capacity, seconds, baseline, rush, held, session)


def outcome(n: int, capacity: int, seconds: float, baseline: dict[str, Any],
            rush: dict[str, Any], held: list[dict[str, str]],
            session: dict[str, Any]) -> dict[str, Any]:
    """The figures and every check, with what was seen."""
    answers = rush.pop("answers")
    baseline.pop("answers")
    confirmed = sum(a.get("status") == "confirmed" for a in answers)
    positions = sorted(a["waitlist_position"] for a in answers
                       if a.get("status") == "waitlisted")
    emails = Counter(row["email"] for row in held)
    statuses = Counter(row["status"] for row in held)
    checks = {
        "no_5xx": rush["five_xx"] == 0,
        "all_201": rush["statuses"] == {201: n},
        "capacity_exact": (confirmed == capacity
                           and positions == list(range(1, len(positions) + 1))),
        "held_matches_answers": (len(held) == len(answers) and max(emails.values()) == 1
                                 and statuses == Counter({"confirmed": confirmed,
                                                          "waitlisted": len(positions)})
                                 and session["confirmed"] == confirmed),
        "within_10_s": rush["max_ms"] <= ANSWER_WITHIN_S * 1000,
        "baseline_no_5xx": baseline["five_xx"] == 0,
    }
    return {"n": n, "capacity": capacity, "spread_s": seconds, "non_default": NON_DEFAULT,
            "rush": rush, "baseline": baseline, "confirmed": confirmed,
            "waitlisted": len(positions), "registrations_held": len(held),
            "p50_vs_baseline": round(rush["p50_ms"] / baseline["p50_ms"], 1),
            "p99_vs_baseline": round(rush["p99_ms"] / baseline["p99_ms"], 1),
            "checks": checks, "met": all(checks.values())}


def report(result: dict[str, Any]) -> None:
    print(f"{result['n']} clients within {result['spread_s']:g} s, capacity "
          f"{result['capacity']}, default settings but {result['non_default']}")
    rows = (("baseline: GET the session", result["baseline"]),
            ("rush: POST registrations", result["rush"]))
    print(f"{'what':<34} {'n':>5} {'s':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for name, row in rows:
        print(f"{name:<34} {row['n']:>5} {row['seconds']:>6} {row['p50_ms']:>8} "
              f"{row['p99_ms']:>8} {row['max_ms']:>8}  {row['statuses']}")
    names = list(result["rush"]["cpu_ms_per_op"])
    print(f"{'CPU ms per request, while sending':<34} " + " ".join(f"{n[:9]:>9}" for n in names)
          + f" {'all':>7}")
    for name, row in rows:
        cpu = row["cpu_ms_per_op"]
        print(f"{name:<34} " + " ".join(f"{cpu[n]:>9}" for n in names)
              + f" {round(sum(cpu.values()), 1):>7}")
    print(f"confirmed {result['confirmed']}, waitlisted {result['waitlisted']}, held "
          f"{result['registrations_held']}; p50 x{result['p50_vs_baseline']}, p99 "
          f"x{result['p99_vs_baseline']} the baseline")
    print("checks:", ", ".join(f"{k} {'yes' if v else 'NO'}"
                               for k, v in result["checks"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="registrants (distinct clients)")
    parser.add_argument("--capacity", type=int, default=None, help="seats (default: 3/10 of n)")
    parser.add_argument("--seconds", type=float, default=1.0, help="spread of the sends")
    args = parser.parse_args()
    capacity = args.capacity or max(1, args.n * 3 // 10)
    with tempfile.TemporaryDirectory(prefix="bench-rush-") as folder:
        result = asyncio.run(bench(args.n, capacity, args.seconds, Path(folder)))
    report(result)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
