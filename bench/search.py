"""Search: index build rate and query latency through the gateway, beside the bare engine.

Starts nats-server and the embedded MongoDB stand-in, writes N generated bilingual (es + en)
published documents into the catalog database, starts the catalog's search side (which rebuilds
its index from MongoDB before serving) and the gateway app in-process. Then runs the same mixed
queries (words, phrases, filters, facets only, date order) twice: through the gateway over HTTP
(`GET /v1/search`, httpx on the ASGI app: HTTP handling, NATS RPC, engine, JSON) and on the
engine called directly in this process (the baseline).

    uv run python bench/search.py [--docs 100000] [--queries 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.catalog.bootstrap import SEARCH_INDEXES, new_index_sync, search_parts
from services.catalog.search.entrypoints import IndexSync
from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.contracts.catalog.search import SearchRequest
from shared.reference import DOCUMENT_TYPES, MEMBER_STATES, TOPICS
from shared.servers import start_mongo, start_nats
from shared.service import Parts, Runtime, ServiceSpec, start_service
from shared.settings import Settings

SYNCS: list[IndexSync] = []
"""The index of the search side this benchmark starts."""


def search_side(runtime: Runtime) -> Parts:
    sync = new_index_sync(runtime)
    SYNCS.append(sync)
    return search_parts(runtime, sync)


SPEC = ServiceSpec(name="catalog", indexes=SEARCH_INDEXES, build=search_side)
ES = [
    "licitación", "contratación", "compras", "públicas", "proveedores", "municipio",
    "transparencia", "datos", "abiertos", "sostenible", "innovación", "obra", "contrato",
    "garantía", "oferta", "evaluación", "mipymes", "mujeres", "catálogo", "electrónico",
    "acuerdo", "marco", "integridad", "auditoría", "presupuesto", "gasto",
]
EN = [
    "tender", "procurement", "public", "purchasing", "suppliers", "municipality",
    "transparency", "open", "data", "sustainable", "innovation", "works", "contract",
    "guarantee", "bid", "evaluation", "smes", "women", "catalogue", "electronic",
    "framework", "agreement", "integrity", "audit", "budget", "spending",
]
QUERIES: list[dict[str, Any]] = [
    {"q": "licitacion"}, {"q": "tenders"}, {"q": '"compras publicas"'},
    {"q": "framework agreement"}, {"q": "transparencia datos", "lang": "en"},
    {"q": "contract", "type": ["guide"], "year_from": 2015, "year_to": 2020},
    {"topic": ["open_data"]}, {"q": "audit", "sort": "date"}, {"q": "zzzz"},
]


def generated(n: int, rng: random.Random) -> dict[str, Any]:
    words = rng.sample(range(len(ES)), 6)
    year, state = rng.randint(2005, 2025), rng.choice(MEMBER_STATES)
    return {
        "_id": f"doc-{n:07d}", "type": rng.choice(DOCUMENT_TYPES).code, "status": "published",
        "source_language": rng.choice(("es", "en")), "revision": 1,
        "title": {"es": " ".join(ES[w] for w in words[:3]).capitalize(),
                  "en": " ".join(EN[w] for w in words[:3]).capitalize()},
        "summary": {"es": " ".join(ES[w] for w in words), "en": " ".join(EN[w] for w in words)},
        "body": {"es": " ".join(rng.choices(ES, k=60)), "en": " ".join(rng.choices(EN, k=60))},
        "languages": {"es": {"status": "original"}, "en": {"status": "machine_draft"}},
        "topics": [t.code for t in rng.sample(TOPICS, 2)],
        "countries": [state.iso2], "regions": [state.region], "authors": [],
        "institutions": [], "published_on": f"{year}-{rng.randint(1, 12):02d}-01", "year": year,
        "files": [], "updated_at": datetime.now(UTC), "outbox": [],
    }


async def fill(settings: Settings, count: int) -> float:
    """Write `count` documents; seconds taken."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.effective_mongo_url())
    collection = client[settings.database_name("catalog")]["documents"]
    rng, started = random.Random(7), time.perf_counter()
    for first in range(0, count, 2_000):
        await collection.insert_many([generated(n, rng) for n in
                                      range(first, min(first + 2_000, count))], ordered=False)
    await client.close()
    return time.perf_counter() - started


async def read_all(settings: Settings) -> float:
    """The baseline of a rebuild: only reading every published document; seconds taken."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.effective_mongo_url())
    collection = client[settings.database_name("catalog")]["documents"]
    started = time.perf_counter()
    async for _ in collection.find({"status": "published"}, {"outbox": 0}, batch_size=2_000):
        pass
    await client.close()
    return time.perf_counter() - started


async def latencies(run: Callable[[dict[str, Any]], Awaitable[None]], rounds: int) -> list[float]:
    times = []
    for i in range(rounds):
        started = time.perf_counter()
        await run(QUERIES[i % len(QUERIES)])
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(name: str, times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    return {"path": name, "queries": len(times), "p50_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
            "mean_ms": round(statistics.fmean(ordered), 2)}


async def bench(docs: int, rounds: int, work: Path) -> dict[str, Any]:
    nats_server, mongo_server = start_nats(work / "nats"), start_mongo(work / "mongo")
    settings = Settings(nats_url=nats_server.url, mongo_url=mongo_server.url,
                        data_dir=work / "data", db_prefix="bench", log_level="WARNING")
    try:
        write_s = await fill(settings, docs)
        read_s = await read_all(settings)
        started = time.perf_counter()
        service = await start_service(SPEC, settings)
        rebuild_s = time.perf_counter() - started  # connect, subscribe, read, index
        engine = SYNCS[-1].engine
        app = create_app(settings, GatewaySettings(public_rate_limit=10**9, rpc_timeout=10.0))
        async with app.lifespan(), httpx.AsyncClient(
                transport=httpx.ASGITransport(app), base_url="http://bench") as http:  # type: ignore[arg-type]

            async def through_gateway(params: dict[str, Any]) -> None:
                (await http.get("/v1/search", params=params)).raise_for_status()

            async def direct(params: dict[str, Any]) -> None:
                engine.search(SearchRequest(**params))

            await latencies(through_gateway, len(QUERIES))  # warm up both paths
            await latencies(direct, len(QUERIES))
            gateway_times = await latencies(through_gateway, rounds)
            direct_times = await latencies(direct, rounds)
            sample = (await http.get("/v1/search", params={"q": "licitacion"})).json()
        await service.stop()
    finally:
        nats_server.stop()
        mongo_server.stop()
    gateway = summary("gateway /v1/search", gateway_times)
    baseline = summary("engine", direct_times)
    return {
        "documents": docs, "indexed": engine.size(), "write_mongo_s": round(write_s, 1),
        "mongo_write_rate_docs_s": round(docs / write_s), "rebuild_s": round(rebuild_s, 1),
        "index_build_rate_docs_s": round(docs / rebuild_s),
        "mongo_read_only_s": round(read_s, 1), "mongo_read_rate_docs_s": round(docs / read_s),
        "build_over_read_only_time": round(rebuild_s / read_s, 2),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "sample_total_licitacion": sample["total"], "latency": [gateway, baseline],
        "p50_ratio_gateway_over_engine": round(gateway["p50_ms"] / baseline["p50_ms"], 1),
        "p99_ratio_gateway_over_engine": round(gateway["p99_ms"] / baseline["p99_ms"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("faststream").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        result = asyncio.run(bench(args.docs, args.queries, Path(folder)))
    print(f"documents {result['documents']:,} (indexed {result['indexed']:,}); "
          f"MongoDB write {result['write_mongo_s']} s ({result['mongo_write_rate_docs_s']:,}/s); "
          f"index rebuild {result['rebuild_s']} s ({result['index_build_rate_docs_s']:,}/s)")
    print(f"baseline: reading them all from MongoDB {result['mongo_read_only_s']} s "
          f"({result['mongo_read_rate_docs_s']:,}/s); rebuild takes "
          f"x{result['build_over_read_only_time']} that time")
    print(f"{'path':<22}{'queries':>8}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for row in result["latency"]:
        print(f"{row['path']:<22}{row['queries']:>8}{row['p50_ms']:>10}{row['p99_ms']:>10}"
              f"{row['mean_ms']:>10}")
    print(f"gateway / engine: p50 x{result['p50_ratio_gateway_over_engine']}, "
          f"p99 x{result['p99_ratio_gateway_over_engine']}")
    out = Path(__file__).parent / "results" / "search.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
