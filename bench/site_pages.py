"""Pages against the JSON routes serving the same data, under concurrent readers.

Starts the whole system as an operator does (`dialogues up`, each service and the gateway in
its own process, the embedded servers), creates a session and some bilingual documents through
the API, then sends the same number of GETs with `--readers` concurrent readers to each pair:

    session:  GET /v1/sessions/{id}             vs  GET /sessions/{id}
    search:   GET /v1/search?q=...&lang=pt      vs  GET /search?q=...   (Accept-Language: pt)
    desk:     GET /v1/sessions?status=published vs  GET /staff/sessions?status=published
              (a secretariat key against a signed-in secretariat's session cookie)

Pairs run in alternating rounds (JSON first, then the page, then the other way round), so the
machine's noise falls on both alike. A page may cost at most 1.5 x its JSON route at p99.

    uv run python bench/site_pages.py [--requests 2000] [--readers 50] [--documents 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.up import running_system  # noqa: E402
from cli.endpoints import FILE as ENDPOINTS  # noqa: E402
from services.gateway.settings import GatewaySettings  # noqa: E402
from services.gateway.staff.context import Staff  # noqa: E402
from shared.db import make_client  # noqa: E402
from shared.settings import Settings  # noqa: E402

TARGET = 1.5
ROUNDS = 4
SETTINGS = {"PUBLIC_RATE_LIMIT": "1000000000", "LOG_LEVEL": "WARNING"}
"""Pages and JSON routes alike from one address: the public rate limit is out of the way."""
RETRIED: list[str] = []
WORDS = ["licitación", "contratación", "compras", "proveedores", "transparencia", "datos"]


def key(env: dict[str, str], role: str) -> str:
    done = subprocess.run([sys.executable, "-m", "cli.main", "keys", "create", "--role", role,
                           "--name", "bench"], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True, timeout=60)
    return done.stdout.strip()


async def staff_cookie(env: dict[str, str]) -> dict[str, str]:
    """The Cookie header of a signed-in secretariat: an account made as an operator does,
    its session opened in the gateway's store (the mailed link is not what is measured)."""
    made = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "cli.main", "staff", "add", "--role",
                         "secretariat", "--name", "Bench", "bench-desk@example.org"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60)
    account_id = made.stdout.split("account ", 1)[1].split()[0]
    recorded = json.loads((Path(env["DATA_DIR"]) / ENDPOINTS).read_text())
    settings = Settings(mongo_url=recorded["MONGO_URL"])
    client = make_client(settings, app_name="bench")
    try:
        staff = Staff.on(client[settings.database_name("gateway")], GatewaySettings())
        session = await staff.sign_ins.open_session(account_id, datetime.now(UTC), "bench")
    finally:
        await client.close()
    return {"Cookie": f"dlg_staff={session}", "Accept-Language": "es"}


async def prepare(http: httpx.AsyncClient, env: dict[str, str], documents: int) -> str:
    """A published session and `documents` published documents, indexed; the session id."""
    secretariat, editor = {"X-API-Key": key(env, "secretariat")}, {"X-API-Key": key(env, "editor")}
    starts = datetime.now(UTC) + timedelta(days=20)
    created = await http.post("/v1/sessions", headers=secretariat, json={
        "title": {"es": "Compras públicas sostenibles", "en": "Sustainable procurement"},
        "summary": {"es": "Criterios ambientales en las licitaciones.",
                    "en": "Environmental criteria in tenders."},
        "format": "webinar", "topics": ["sustainable_procurement"],
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "timezone": "America/Bogota", "languages": ["es", "en"], "capacity": 500,
        "speakers": [{"name": "Ponente", "institution": "Colombia Compra Eficiente",
                      "country": "CO"}]})
    created.raise_for_status()
    session_id: str = created.json()["id"]
    (await http.post(f"/v1/sessions/{session_id}/publish", headers=secretariat)).raise_for_status()
    for n in range(documents):
        words = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(3))
        made = await http.post("/v1/documents", headers=editor, json={
            "type": "study", "source_language": "es",
            "title": {"es": f"Estudio {n} de licitación: {words}",
                      "en": f"Study {n} on public tenders"},
            "summary": {"es": f"Resumen sobre {words}.", "en": "A summary on tenders."},
            "body": {"es": f"{words} " * 40, "en": "tenders procurement " * 40},
            "topics": ["e_procurement"], "countries": ["CO"]})
        made.raise_for_status()
        doc = made.json()["id"]
        (await http.post(f"/v1/documents/{doc}/publish", headers=editor)).raise_for_status()
    deadline = time.monotonic() + 60
    while (found := (await http.get("/v1/search", params={"q": "licitación"})).json()
           )["total"] < documents:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{found['total']} of {documents} documents indexed in a minute")
        await asyncio.sleep(0.5)
    return session_id


async def timed(http: httpx.AsyncClient, url: str, headers: dict[str, str], count: int,
                readers: int) -> list[float]:
    """`count` GETs of `url` by `readers` concurrent readers; each one's latency in ms."""
    times: list[float] = []
    left = iter(range(count))

    async def reader() -> None:
        for _ in left:
            started = time.perf_counter()
            try:
                answer = await http.get(url, headers=headers)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # The server closed an idle kept-alive connection as the client reused it
                # (a race of keep-alive timeouts, not a failed request): ask again, counted.
                RETRIED.append(url)
                started = time.perf_counter()
                answer = await http.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"{url} answered {answer.status_code}")

    await asyncio.gather(*(reader() for _ in range(readers)))
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"requests": len(ordered), "p50_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
            "mean_ms": round(statistics.fmean(ordered), 2)}


async def bench(requests: int, readers: int, documents: int, folder: Path) -> dict[str, Any]:
    with running_system(folder, SETTINGS, links_to_itself=True) as (base, env):
        limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits,
                                     trust_env=False) as http:
            session_id = await prepare(http, env, documents)
            desk = {"X-API-Key": key(env, "secretariat")}
            pairs = {
                "session": ((f"/v1/sessions/{session_id}", {}),
                            (f"/sessions/{session_id}", {"Accept-Language": "es"})),
                "search": (("/v1/search?q=licitaci%C3%B3n&lang=pt", {}),
                           ("/search?q=licitaci%C3%B3n", {"Accept-Language": "pt"})),
                "desk": (("/v1/sessions?status=published", desk),
                         ("/staff/sessions?status=published", await staff_cookie(env))),
            }
            for (json_url, json_headers), (page_url, page_headers) in pairs.values():
                await timed(http, json_url, json_headers, readers * 2, readers)  # warm up
                await timed(http, page_url, page_headers, readers * 2, readers)
            rows = []
            for name, ((json_url, json_headers), (page_url, page_headers)) in pairs.items():
                got: dict[str, list[float]] = {"json": [], "page": []}
                for round_number in range(ROUNDS):
                    order = [("json", json_url, json_headers), ("page", page_url, page_headers)]
                    for kind, url, headers in order[:: 1 if round_number % 2 == 0 else -1]:
                        got[kind] += await timed(http, url, headers, requests // ROUNDS,
                                                 readers)
                json_s, page_s = summary(got["json"]), summary(got["page"])
                ratio = round(page_s["p99_ms"] / json_s["p99_ms"], 3)
                rows.append({"pair": name, "json_route": pairs[name][0][0],
                             "page": pairs[name][1][0], "json": json_s, "page_figures": page_s,
                             "p99_ratio": ratio, "p50_ratio": round(
                                 page_s["p50_ms"] / json_s["p50_ms"], 3),
                             "met": ratio <= TARGET})
            page = await http.get(pairs["search"][1][0], headers=pairs["search"][1][1])
            again = await http.get(pairs["search"][1][0], headers={
                **pairs["search"][1][1], "If-None-Match": page.headers.get("etag", "")})
    return {"requests_per_route": requests, "readers": readers, "documents": documents,
            "rows": rows, "target_p99_ratio": TARGET, "reconnects": len(RETRIED),
            "search_page_revalidated_status": again.status_code,
            "page_cache_control": page.headers.get("cache-control")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="GETs per route")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--documents", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-site-") as folder:
        result = asyncio.run(bench(args.requests, args.readers, args.documents, Path(folder)))
    print(f"{args.readers} concurrent readers, {args.requests} GETs per route, "
          f"{args.documents} documents")
    print(f"{'pair':<9}{'route':<34}{'p50 ms':>9}{'p99 ms':>9}{'p99 ratio':>11}{'met':>6}")
    for row in result["rows"]:
        print(f"{row['pair']:<9}{row['json_route'][:33]:<34}{row['json']['p50_ms']:>9}"
              f"{row['json']['p99_ms']:>9}")
        print(f"{'':<9}{row['page'][:33]:<34}{row['page_figures']['p50_ms']:>9}"
              f"{row['page_figures']['p99_ms']:>9}{row['p99_ratio']:>11}"
              f"{'yes' if row['met'] else 'NO':>6}")
    print(f"search page revalidated with its ETag: {result['search_page_revalidated_status']}")
    out = Path(__file__).parent / "results" / "site_pages.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
