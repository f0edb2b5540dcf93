"""Run every benchmark, then print one table of each figure beside its raw baseline.

Each benchmark runs as its own process (its own servers, event loop and memory) and writes
its JSON under `bench/results/`; this script reads them back, writes the whole set with the
machine and the date to `bench/results/latest.json`, and prints the table (with `--markdown`
also as a Markdown table, as in README.md). Sizes:

    --quick   CI-size, about a minute
    (default) a few minutes on 2 cores; search at 20,000 documents
    --full    the target sizes: search at 100,000 documents, longer bursts

    uv run python bench/run_all.py [--quick | --full] [--only registration,notify,...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

SIZES: dict[str, dict[str, list[str]]] = {
    "quick": {"registration": ["--n", "200"], "notify": ["--events", "300", "--rate", "100"],
              "keepalive": ["--n", "60"],
              "search": ["--docs", "5000", "--queries", "200"],
              "translate": ["--documents", "50"], "memory": ["--settle", "10"],
              "certificates": ["--n", "8"],
              "site": ["--requests", "400", "--documents", "20"], "rush": ["--n", "300"],
              "sustained": ["--quick"],
              "idle": ["--records", "5000", "--window", "10", "--settle", "10"]},
    "default": {"registration": ["--n", "500"], "notify": ["--events", "1000", "--rate", "100"],
                "keepalive": ["--n", "200"],
                "search": ["--docs", "20000", "--queries", "400"],
                "translate": ["--documents", "200"], "memory": ["--settle", "15"],
                "certificates": ["--n", "20"],
                "site": ["--requests", "2000"], "rush": ["--n", "1000"],
                "sustained": ["--rate", "200", "--seconds", "60"],
                "idle": ["--records", "50000"]},
    "full": {"registration": ["--n", "1000"], "notify": ["--events", "3000", "--rate", "100"],
             "keepalive": ["--n", "500"],
             "search": ["--docs", "100000", "--queries", "400"],
             "translate": ["--documents", "500"], "memory": ["--settle", "20"],
             "certificates": ["--n", "50"],
             "site": ["--requests", "4000", "--documents", "200"], "rush": ["--n", "1000"],
             "sustained": ["--rate", "200", "--seconds", "60"],
             "idle": ["--records", "50000", "--window", "60"]},
}
SCRIPTS = {"registration": "registration_burst", "notify": "notify_latency",
           "keepalive": "keepalive",
           "search": "search", "translate": "translate_queue", "memory": "memory",
           "site": "site_pages", "rush": "registration_rush", "certificates": "certificates",
           "sustained": "registration_sustained",
           "idle": "idle"}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "nproc": os.cpu_count(),
            "cpu": model, "python": platform.python_version(),
            "load_avg_at_start": round(os.getloadavg()[0], 2)}


def run(name: str, flags: list[str]) -> dict[str, Any] | None:
    """Run one benchmark as a child process; its JSON, or None if it failed."""
    script = HERE / f"{SCRIPTS[name]}.py"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(script), *flags], cwd=HERE.parent,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    print(f"  {name:<13} {seconds:6.1f} s  exit {done.returncode}", flush=True)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return None
    data: dict[str, Any] = json.loads((RESULTS / f"{SCRIPTS[name]}.json").read_text())
    data["_seconds"] = round(seconds, 1)
    data["_flags"] = flags
    return data


def rows_of(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per figure: (benchmark, measure, value, baseline, ratio, target, met)."""
    rows: list[dict[str, Any]] = []

    def add(bench: str, measure: str, value: float | None, base: str, base_value: float | None,
            target: str = "", met: bool | None = None) -> None:
        ratio = (round(value / base_value, 3) if value is not None and base_value else None)
        rows.append({"bench": bench, "measure": measure, "value": value, "baseline": base,
                     "baseline_value": base_value, "ratio": ratio, "target": target,
                     "met": met})

    if reg := results.get("registration"):
        base, path = reg["rows"][0], reg["rows"][-1]
        ratio = path["per_s"] / base["per_s"]
        name = f"registration burst (n={reg['n']}, {reg['replicas']} replicas)"
        add(name, "registrations/s", path["per_s"], "insert+publish /s", base["per_s"],
            ">= 0.5 x baseline", ratio >= 0.5)
        add(name, "p99 ms", path["p99_ms"], "insert+publish p99 ms", base["p99_ms"])
        if "cpu_ms_this_process" in path:
            add(name, "CPU ms/registration: gateway+services", path["cpu_ms_this_process"],
                "CPU ms/op: this process", base["cpu_ms_this_process"])
            add(name, "CPU ms/registration: stand-in", path["cpu_ms_stand_in"],
                "CPU ms/op: stand-in", base["cpu_ms_stand_in"])
        if raw := reg.get("stand_in"):
            add(name, "stand-in insert only /s", raw["per_s"], "insert+publish /s",
                base["per_s"])
        if plumbing := reg.get("gateway_floor"):
            add(name, "registrations/s", path["per_s"], "gateway GET session /s",
                plumbing["per_s"])
        if "mongo_cmds" in path:
            add(name, "MongoDB commands/registration", path["mongo_cmds"],
                "commands/op: insert+publish", base.get("mongo_cmds"))
    if note := results.get("notify"):
        event, raw = note["event"], note["raw"]
        name = f"notification latency ({note['events']} at {note['rate']:g}/s)"
        add(name, "event->SMTP p99 ms", round(event["p99_ms"], 1), "raw SMTP p99 ms",
            round(raw["p99_ms"], 1), "< 1000 ms", event["p99_ms"] < 1000)
        add(name, "event->SMTP p50 ms", round(event["p50_ms"], 1), "raw SMTP p50 ms",
            round(raw["p50_ms"], 1))
        add(name, "mails/s", round(event["per_s"], 1), "raw SMTP /s", round(raw["per_s"], 1))
        if "cpu_ms_this_process" in event:
            add(name, "CPU ms/mail: notify+SMTP sink", event["cpu_ms_this_process"],
                "CPU ms/mail: raw + sink", raw["cpu_ms_this_process"])
            add(name, "CPU ms/mail: stand-in", event["cpu_ms_stand_in"], "", None)
        for stage, figures in event.get("stages", {}).items():
            add(name, f"  stage {stage} p99 ms", round(figures["p99_ms"], 1), "", None)
    if search := results.get("search"):
        gateway, engine = search["latency"][0], search["latency"][1]
        name = f"search latency ({search['documents']:,} docs)"
        full = search["documents"] >= 100_000
        add(name, "gateway p99 ms", gateway["p99_ms"], "engine p99 ms", engine["p99_ms"],
            "< 50 ms at 100k docs", gateway["p99_ms"] < 50 if full else None)
        add(name, "gateway p50 ms", gateway["p50_ms"], "engine p50 ms", engine["p50_ms"])
        add(name, "index build docs/s", search["index_build_rate_docs_s"],
            "stand-in read docs/s", search["mongo_read_rate_docs_s"])
    if job := results.get("translate"):
        name = f"translation queue ({job['documents']} docs)"
        add(name, "jobs drafted/s", job["jobs_drafted_per_s"], "raw queue msgs/s",
            job["raw_queue_msgs_per_s"])
        bound = job["jobs_drafted_per_s"] / job["drafted_vs_engine_bound"]
        add(name, "jobs drafted/s", job["jobs_drafted_per_s"], "engine-bound /s",
            round(bound, 1))
    if site := results.get("site"):
        name = f"pages vs JSON ({site['readers']} readers)"
        for row in site["rows"]:
            add(name, f"{row['pair']} page p99 ms", row["page_figures"]["p99_ms"],
                f"{row['json_route'].split('?')[0]} p99 ms", row["json"]["p99_ms"],
                "<= 1.5 x JSON", row["met"])
            add(name, f"{row['pair']} page p50 ms", row["page_figures"]["p50_ms"],
                f"{row['json_route'].split('?')[0]} p50 ms", row["json"]["p50_ms"])
    if rush := results.get("rush"):
        name = f"registration rush ({rush['n']} clients in {rush['spread_s']:g} s, defaults)"
        reg, base, checks = rush["rush"], rush["baseline"], rush["checks"]
        add(name, "p50 ms", reg["p50_ms"], "GET session p50 ms", base["p50_ms"])
        add(name, "p99 ms", reg["p99_ms"], "GET session p99 ms", base["p99_ms"])
        add(name, "slowest answer ms", reg["max_ms"], "GET session slowest ms", base["max_ms"],
            "<= 10,000 ms", checks["within_10_s"])
        add(name, "5xx answers", reg["five_xx"], "GET session 5xx", base["five_xx"], "0",
            checks["no_5xx"])
        add(name, "confirmed", rush["confirmed"], "capacity", rush["capacity"],
            "exact, rest waitlisted, nothing else held",
            checks["capacity_exact"] and checks["held_matches_answers"])
    if load := results.get("sustained"):
        name = (f"sustained registrations ({load['rate']:g}/s for {load['spread_s']:g} s, "
                "defaults)")
        reg, raw, checks = load["rush"], load["baseline"], load["checks"]
        add(name, "p99 ms", reg["p99_ms"], "raw insert+publish p99 ms", raw["p99_ms"],
            "< 1,000 ms", checks["p99_under_1_s"])
        add(name, "p50 ms", reg["p50_ms"], "raw insert+publish p50 ms", raw["p50_ms"])
        add(name, "slowest answer ms", reg["max_ms"], "raw slowest ms", raw["max_ms"])
        add(name, "errors", load["errors"], "raw errors", raw["five_xx"], "0",
            checks["no_errors"])
        add(name, "confirmed", load["confirmed"], "capacity", load["capacity"],
            "exact, rest waitlisted, nothing else held",
            checks["capacity_exact"] and checks["held_matches_answers"])
    if keep := results.get("keepalive"):
        name, raw = f"kept-alive connection ({keep['n']} sequential)", keep["rows"][0]
        for row in keep["rows"][1:]:
            goal = row["what"] == "POST registration, kept-alive"
            add(name, f"{row['what']} p50 ms", row["p50_ms"], "insert+publish p50 ms",
                raw["p50_ms"], "<= 6 x baseline" if goal else "",
                keep["checks"]["registration_p50_within_6x_raw"] if goal else None)
    if certificates := results.get("certificates"):
        made = certificates["rows"]["certificate (Noto Sans + QR, 2 languages)"]
        base = certificates["rows"]["baseline: built-in Helvetica, no QR"]
        add("certificate PDF", "median ms", made["median_ms"], "built-in font page ms",
            base["median_ms"], "< 1,000 ms (one download)", made["median_ms"] < 1000)
    if idle := results.get("idle"):
        add(f"idle CPU, whole stack ({idle['records']:,} records)", "ms CPU/s with them",
            idle["total_full_ms_per_s"], "ms CPU/s, empty database", idle["total_empty_ms_per_s"],
            "<= 20 ms/s, within 20%", idle["met"])
    if memory := results.get("memory"):
        bare = next(r["rss_mb"] for r in memory["rows"] if r["process"].startswith("python ("))
        for row in memory["rows"]:
            if row["service"]:
                add("idle memory (RSS)", f"{row['process']} MB", row["rss_mb"],
                    "bare python MB", bare, "< 120 MB",
                    row["rss_mb"] is not None and row["rss_mb"] < 120)
            elif not row["process"].startswith("python ("):
                add("idle memory (RSS)", f"{row['process']} MB", row["rss_mb"],
                    "bare python MB", bare)
    return rows


def table(rows: list[dict[str, Any]], markdown: bool) -> str:
    """The rows as aligned text or as a Markdown table."""
    heads = ("benchmark", "measure", "value", "baseline (same run)", "base", "ratio",
             "target", "met")
    cells = [(r["bench"], r["measure"], _n(r["value"]), r["baseline"], _n(r["baseline_value"]),
              _n(r["ratio"]), r["target"], {True: "yes", False: "NO", None: ""}[r["met"]])
             for r in rows]
    if markdown:
        lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        lines += ["| " + " | ".join(c) + " |" for c in cells]
        return "\n".join(lines)
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]

    def line(c: tuple[str, ...]) -> str:
        return "  ".join(x.ljust(w) for x, w in zip(c, widths, strict=True))

    return "\n".join([line(heads), line(tuple("-" * w for w in widths)), *map(line, cells)])


def _n(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="CI-size runs")
    size.add_argument("--full", action="store_true", help="target sizes (100k documents)")
    parser.add_argument("--only", default=",".join(SCRIPTS), help="comma-separated subset")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--table-only", action="store_true",
                        help="print the table of the last run (latest.json) without running")
    args = parser.parse_args()
    if args.table_only:
        last = json.loads((RESULTS / "latest.json").read_text())
        print(last["mode"], "run,", last["machine"])
        print(table(rows_of(last["results"]), markdown=args.markdown))
        return 0
    mode = "quick" if args.quick else "full" if args.full else "default"
    info = machine()
    print(f"{mode} run on {info['nproc']} x {info['cpu']}, Python {info['python']}, "
          f"load {info['load_avg_at_start']}", flush=True)
    results: dict[str, Any] = {}
    for name in args.only.split(","):
        if (data := run(name, SIZES[mode][name])) is not None:
            results[name] = data
    rows = rows_of(results)
    info["load_avg_at_end"] = round(os.getloadavg()[0], 2)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(
        {"mode": mode, "machine": info, "rows": rows, "results": results}, indent=2))
    print(table(rows, markdown=False))
    if args.markdown:
        print(table(rows, markdown=True))
    failed = [n for n in args.only.split(",") if n not in results]
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
