"""Idle CPU: what the whole system costs doing nothing, with an empty database and again with
50,000 registrations, mails and documents stored.

Started as an operator starts it (`dialogues up`, every setting at its default, a temporary
DATA_DIR and a free port), left to settle, then the CPU time of EVERY process it started (each
service, the gateway, the MongoDB stand-in, nats-server, the mail sink) is read from /proc over
a window. Then one session, registration (mailed) and document are made through the API, and
the records they left are copied straight into the services' collections until each of
registrations, mails (delivery records with their bodies and notify's copy of the audience)
and documents holds `--records` of them: each copy is the real record with its ids and unique
keys made its own, so the shapes are those the stores write (through the services, 50,000
would take most of an hour on 2 cores). Settled again, the same window is measured again.

Goal (issue 17): at most 20 ms of CPU per second in total, and the two totals within 20%.
Baseline, same run: the empty-database window.

    uv run python bench/idle.py [--records 50000] [--window 30] [--settle 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cpu import cpu_seconds  # noqa: E402
from bench.up import running_system  # noqa: E402
from shared.settings import Settings  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "idle.json"
GOAL_MS_PER_S = 20.0
GOAL_GROWTH = 0.20
GROWN = {"registration": ("registrations",),
         "notify": ("deliveries", "mail_bodies", "recipients", "applied_events"),
         "catalog": ("documents",)}
"""The collections copied up to `--records` each: what a year of registrations, mails and
documents leaves (notify's inbox holds one entry per event it handled)."""
Document = dict[str, Any]


def processes(data_dir: Path) -> dict[str, int]:
    """Every process `dialogues up` started, by name, from its pid files (and itself)."""
    return {path.stem: int(path.read_text().strip())
            for path in sorted((data_dir / "run").glob("*.pid"))}


async def window(pids: dict[str, int], seconds: float) -> dict[str, float]:
    """CPU milliseconds per second of each process over `seconds` of wall time."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.monotonic()
    await asyncio.sleep(seconds)
    wall = time.monotonic() - started
    return {name: round((cpu_seconds(pid) - before[name]) * 1000 / wall, 2)
            for name, pid in pids.items()}


def log_size(path: Path | None) -> int:
    return path.stat().st_size if path is not None and path.exists() else 0


def commands(path: Path | None, start: int, end: int, pids: dict[str, int],
             seconds: float) -> list[dict[str, Any]]:
    """The MongoDB commands logged between two offsets of the opt-in command log
    (MONGO_COMMAND_LOG, shared/db.py), grouped by process, command and filter shape:
    how many per minute and their milliseconds per second (client-side round trips)."""
    if path is None:
        return []
    names = {str(pid): name for name, pid in pids.items()}
    with path.open("rb") as log:
        log.seek(start)
        lines = log.read(end - start).decode().splitlines()
    groups: dict[str, list[float]] = {}
    for line in lines:
        pid, rest = line.split(" ", 1)
        what, _, ms = rest.rpartition(" ")
        groups.setdefault(f"{names.get(pid, pid)} {what}", []).append(float(ms[:-2]))
    return sorted(({"query": q, "per_min": round(len(v) * 60 / seconds, 1),
                    "ms_per_s": round(sum(v) / seconds, 2)} for q, v in groups.items()),
                  key=lambda row: -row["ms_per_s"])


def key(env: dict[str, str], role: str) -> str:
    done = subprocess.run([sys.executable, "-m", "cli.main", "keys", "create", "--role", role,
                           "--name", "bench"], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True, timeout=60)
    return done.stdout.strip()


async def seed(http: httpx.AsyncClient, env: dict[str, str]) -> None:
    """One published session with one confirmed registration, one published document."""
    secretariat, editor = {"X-API-Key": key(env, "secretariat")}, {"X-API-Key": key(env, "editor")}
    starts = datetime.now(UTC) + timedelta(days=20)
    created = await http.post("/v1/sessions", headers=secretariat, json={
        "title": {"es": "Compras públicas sostenibles"}, "format": "webinar",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "timezone": "America/Bogota", "languages": ["es"], "capacity": 500,
        "join_url": "https://meet.example.org/idle"})
    created.raise_for_status()
    session_id = created.json()["id"]
    (await http.post(f"/v1/sessions/{session_id}/publish", headers=secretariat)
     ).raise_for_status()
    (await http.post(f"/v1/sessions/{session_id}/registrations", json={
        "name": "Participante Uno", "email": "idle0@example.org", "country": "CO",
        "institution": "Agencia", "sector": "government", "job_title": "Analista",
        "preferred_language": "es", "consent": True})).raise_for_status()
    made = await http.post("/v1/documents", headers=editor, json={
        "type": "study", "source_language": "es", "title": {"es": "Estudio de licitación"},
        "summary": {"es": "Resumen."}, "body": {"es": "compras públicas " * 200},
        "topics": ["e_procurement"], "countries": ["CO"]})
    made.raise_for_status()
    (await http.post(f"/v1/documents/{made.json()['id']}/publish", headers=editor)
     ).raise_for_status()


async def until_mailed(client: AsyncMongoClient[Document], settings: Settings) -> None:
    """Wait until the confirmation went out (the mail record says `sent`)."""
    deliveries = client[settings.database_name("notify")]["deliveries"]
    deadline = time.monotonic() + 60
    while not await deliveries.find_one({"status": "sent"}):
        if time.monotonic() > deadline:
            raise RuntimeError("no mail sent within a minute of the registration")
        await asyncio.sleep(0.5)


def renamed(value: Any, old: set[str], suffix: str) -> Any:
    """`value` with every string that is one of the template's ids or unique keys suffixed."""
    if isinstance(value, str):
        return f"{value}-{suffix}" if value in old else value
    if isinstance(value, dict):
        return {k: renamed(v, old, suffix) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed(v, old, suffix) for v in value]
    return value


async def unique_values(collection: Any, templates: list[Document]) -> set[str]:
    """The template records' `_id`s and the string values of their unique indexes' fields."""
    fields = {"_id"}
    for spec in (await collection.index_information()).values():
        if spec.get("unique"):
            fields |= {name for name, _ in spec["key"]}
    return {str(t[f]) for t in templates for f in fields if isinstance(t.get(f), str)}


async def grow(client: AsyncMongoClient[Document], settings: Settings,
               records: int) -> dict[str, int]:
    """Copy each grown collection's records until it holds `records`; the counts after."""
    counts: dict[str, int] = {}
    for service, names in GROWN.items():
        db = client[settings.database_name(service)]
        for name in names:
            templates = await db[name].find({}).to_list()
            if not templates:
                counts[f"{service}.{name}"] = 0
                continue
            old = await unique_values(db[name], templates)
            n = len(templates)
            for start in range(n, records, 1000):
                batch = [renamed(templates[i % n], old, f"i{i}")
                         for i in range(start, min(records, start + 1000))]
                await db[name].insert_many(batch, ordered=False)
            counts[f"{service}.{name}"] = await db[name].count_documents({})
    return counts


async def bench(records: int, seconds: float, settle: float, folder: Path,
                log: Path | None) -> dict[str, Any]:
    extra = {"MONGO_COMMAND_LOG": str(log)} if log is not None else {}
    with running_system(folder, extra, ready_seconds=300) as (base, env):
        data_dir = Path(env["DATA_DIR"])
        recorded = json.loads((data_dir / "run" / "endpoints.json").read_text())
        settings = Settings(mongo_url=recorded["MONGO_URL"])
        client: AsyncMongoClient[Document] = AsyncMongoClient(
            recorded["MONGO_URL"], tz_aware=True)
        try:
            pids = processes(data_dir)
            await asyncio.sleep(settle)
            at = log_size(log)
            empty = await window(pids, seconds)
            empty_commands = commands(log, at, log_size(log), pids, seconds)
            async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as http:
                await seed(http, env)
            await until_mailed(client, settings)
            started = time.monotonic()
            counts = await grow(client, settings, records)
            grow_s = round(time.monotonic() - started, 1)
            await asyncio.sleep(settle)
            at = log_size(log)
            full = await window(pids, seconds)
            full_commands = commands(log, at, log_size(log), pids, seconds)
        finally:
            await client.close()
    total_empty, total_full = round(sum(empty.values()), 1), round(sum(full.values()), 1)
    growth = round(total_full / total_empty - 1, 3) if total_empty else None
    return {"records": records, "window_s": seconds, "settle_s": settle, "grown": counts,
            "grow_seconds": grow_s, "empty": empty, "full": full,
            "total_empty_ms_per_s": total_empty, "total_full_ms_per_s": total_full,
            "growth": growth, "load_average": os.getloadavg(),
            "commands": {"empty": empty_commands, "full": full_commands},
            "met": (total_empty <= GOAL_MS_PER_S and total_full <= GOAL_MS_PER_S
                    and growth is not None and abs(growth) <= GOAL_GROWTH)}


def report(result: dict[str, Any]) -> None:
    print(f"idle CPU, ms per second, over {result['window_s']:g} s windows; "
          f"grown: {result['grown']} in {result['grow_seconds']} s")
    print(f"{'process':<14} {'empty':>8} {'full':>8}")
    for name in result["empty"]:
        print(f"{name:<14} {result['empty'][name]:>8.1f} {result['full'][name]:>8.1f}")
    print(f"{'total':<14} {result['total_empty_ms_per_s']:>8.1f} "
          f"{result['total_full_ms_per_s']:>8.1f}  growth {result['growth']}  goal <= "
          f"{GOAL_MS_PER_S:g} ms/s and within {GOAL_GROWTH:.0%}: "
          f"{'met' if result['met'] else 'NOT met'}; load average {result['load_average']}")
    for phase, rows in result["commands"].items():
        for row in rows[:15]:
            print(f"  {phase:<6} {row['per_min']:>7}/min {row['ms_per_s']:>7.2f} ms/s  "
                  f"{row['query']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--window", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=20.0)
    parser.add_argument("--commands", action="store_true",
                        help="log every MongoDB command (shapes only) and list them per window")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dialogues-idle-") as folder:
        log = Path(folder) / "commands.log" if args.commands else None
        result = asyncio.run(bench(args.records, args.window, args.settle, Path(folder), log))
    report(result)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
