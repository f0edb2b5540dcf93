"""Idle memory of each service process, as `dialogues up` runs them.

Starts nats-server and the embedded MongoDB stand-in, then `python -m services.<name>` for
every service and the gateway against them (as separate processes, like `dialogues up`), lets
them settle (at least `--settle` seconds, then until every reading is steady for 4 s),
and reads each one's resident set (VmRSS in /proc/<pid>/status) a few times; the
figure kept is the last sample. Baseline in the same run: a bare `python -c` interpreter, and
one that only imports the shared foundation (pydantic, FastStream, pymongo, OpenTelemetry),
so the table shows what each service adds to the interpreter and its libraries.

    uv run python bench/memory.py [--settle 15]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.servers import free_port, start_mongo, start_nats

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results" / "memory.json"
SERVICES = ("registration", "catalog", "translate", "notify", "gateway")
TARGET_MB = 120.0
BASELINES = {
    "python (bare interpreter)": "import time; time.sleep(600)",
    "python + shared foundation": "import shared.service, shared.consumer, shared.telemetry, "
                                  "shared.metrics; import time; time.sleep(600)",
}


def rss_mb(pid: int) -> float | None:
    """Resident set of a process in MB (MiB), from /proc; None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def steady(values: list[float], window: int = 4) -> bool:
    """The last `window` samples within 1 MB of each other: done starting up."""
    last = values[-window:]
    return len(last) == window and max(last) - min(last) < 1.0


def main(settle: float) -> dict[str, Any]:
    """Start everything, sample, stop; the rows as a dict (also written to JSON)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    nats, mongo = start_nats(folder / "nats"), start_mongo(folder / "mongo")
    env = dict(os.environ, NATS_URL=nats.url, MONGO_URL=mongo.url, DATA_DIR=str(folder / "data"),
               DB_PREFIX="benchmem", GATEWAY_PORT="0", SMTP_HOST="127.0.0.1",
               SMTP_PORT=str(free_port()), LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name in SERVICES:
            processes[name] = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"], cwd=ROOT, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for name, code in BASELINES.items():
            processes[name] = subprocess.Popen(
                [sys.executable, "-c", code], cwd=ROOT, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples: dict[str, list[float]] = {name: [] for name in processes}
        started = time.monotonic()
        while time.monotonic() - started < settle or (
                not all(steady(v) for v in samples.values())
                and time.monotonic() - started < 6 * settle):
            time.sleep(1.0)
            for name, process in processes.items():
                value = rss_mb(process.pid)
                if value is not None and process.poll() is None:
                    samples[name].append(value)
        rows = []
        for name, process in processes.items():
            alive = process.poll() is None
            last = samples[name][-1] if samples[name] and alive else None
            rows.append({"process": name, "alive": alive,
                         "rss_mb": None if last is None else round(last, 1),
                         "peak_sampled_mb": round(max(samples[name]), 1) if samples[name]
                         else None,
                         "service": name in SERVICES})
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        nats.stop()
        mongo.stop()
    services = [r for r in rows if r["service"]]
    result = {"settle_s": settle, "target_mb": TARGET_MB, "rows": rows,
              "max_service_rss_mb": max((r["rss_mb"] or 0) for r in services),
              "all_under_target": all(r["rss_mb"] is not None and r["rss_mb"] < TARGET_MB
                                      for r in services)}
    report(result)
    return result


def report(result: dict[str, Any]) -> None:
    print(f"{'process (idle)':<30}{'RSS MB':>8}{'peak MB':>9}  alive")
    for row in result["rows"]:
        print(f"{row['process']:<30}{row['rss_mb']!s:>8}{row['peak_sampled_mb']!s:>9}  "
              f"{row['alive']}")
    print(f"every service under {TARGET_MB:g} MB: {result['all_under_target']}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=15.0, help="seconds before the reading")
    main(parser.parse_args().settle)
