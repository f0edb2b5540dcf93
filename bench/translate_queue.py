"""Translation queue throughput: jobs created and drafted per second, beside the raw queue.

Starts nats-server, the embedded MongoDB stand-in, a LibreTranslate-compatible HTTP server with
a fixed latency, and the translate service; publishes N published-document events onto the
CATALOG stream and measures how fast jobs are created (one English job per document) and
machine drafted. The baseline is the raw JetStream queue in the same run: N messages published
and consumed by a durable pull consumer, acknowledged one by one.

Measured here, the pipeline is bound by the shared outbox relay on the embedded MongoDB
stand-in (it publishes entries one by one and pulls them per document), not by the engine or
the drafting workers: `--engine none` drafts no faster than an engine with 20 ms latency.

    uv run python bench/translate_queue.py [--documents 200] [--latency 0.02] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import nats

from services.translate.bootstrap import build_spec
from services.translate.settings import TranslateSettings
from shared.bus import make_broker
from shared.contracts.catalog.events import DocumentPublished, DocumentSnapshot
from shared.servers import start_mongo, start_nats
from shared.service import start_service
from shared.settings import Settings
from tests.fake_libretranslate import running

BODY = ("La contratación pública es clave para el desarrollo. La licitación {n} fue abierta. "
        "Los datos abiertos ayudan a las MIPYMES de la región.")


async def raw_queue(url: str, count: int) -> float:
    """Messages per second through a JetStream stream and a durable pull consumer."""
    connection = await nats.connect(url)
    js = connection.jetstream()
    await js.add_stream(name="BENCH", subjects=["bench.>"])
    started = time.perf_counter()
    await asyncio.gather(*(js.publish("bench.job", b"x" * 300) for _ in range(count)))
    subscription = await js.pull_subscribe("bench.job", durable="bench")
    received = 0
    while received < count:
        for message in await subscription.fetch(min(64, count - received), timeout=5):
            await message.ack()
            received += 1
    elapsed = time.perf_counter() - started
    await connection.close()
    return count / elapsed


async def until(probe: Callable[[], Awaitable[bool]], timeout: float = 300.0) -> float:
    started = time.perf_counter()
    while not await probe():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the queue did not finish in time")
        await asyncio.sleep(0.02)
    return time.perf_counter() - started


async def translate_queue(settings: Settings, own: TranslateSettings, count: int
                          ) -> tuple[float, float]:
    """(jobs created per second, jobs drafted per second) for `count` documents."""
    service = await start_service(build_spec(own), settings)
    broker = make_broker(settings, client_name="bench")
    await broker.connect()
    jobs = service.runtime.db["jobs"]
    try:
        started = time.perf_counter()
        for n in range(count):
            snapshot = DocumentSnapshot(
                document_id=f"doc-{n}", revision=1, type="guide", source_language="es",
                texts={"title": {"es": f"Guía {n}"}, "body": {"es": BODY.format(n=n)}},
                available_languages=["es"], missing_languages=["en"])
            body, headers = DocumentPublished(document=snapshot).to_cloudevent(
                event_id=f"bench-{n}", source="bench", time=datetime.now(UTC)).to_nats()
            await broker.publish(body, DocumentPublished.subject(), headers=headers,
                                 stream="CATALOG")

        async def created() -> bool:
            return await jobs.count_documents({}) >= count

        async def drafted() -> bool:
            return await jobs.count_documents({"status": "draft_ready"}) >= count

        await until(created)
        created_s = time.perf_counter() - started
        await until(drafted)
        drafted_s = time.perf_counter() - started
    finally:
        await broker.stop()
        await service.stop()
    return count / created_s, count / drafted_s


async def main(arguments: argparse.Namespace) -> dict[str, float | int]:
    folder = Path(tempfile.mkdtemp(prefix="bench-translate-"))
    nats_server, mongo = start_nats(folder / "nats"), start_mongo(folder / "mongo")
    try:
        settings = Settings(nats_url=nats_server.url, mongo_url=mongo.url, db_prefix="bench",
                            data_dir=folder)
        raw = await raw_queue(nats_server.url, arguments.documents)
        with running("ok", delay=arguments.latency) as engine:
            own = TranslateSettings(engine=arguments.engine, libretranslate_url=engine.url,
                                    concurrency=arguments.concurrency, timeout=5.0)
            created, drafted = await translate_queue(settings, own, arguments.documents)
    finally:
        nats_server.stop()
        mongo.stop()
    return {"documents": arguments.documents, "engine": arguments.engine,
            "engine_latency_s": arguments.latency,
            "concurrency": arguments.concurrency, "raw_queue_msgs_per_s": round(raw, 1),
            "jobs_created_per_s": round(created, 1), "jobs_drafted_per_s": round(drafted, 1),
            "created_vs_raw": round(created / raw, 4), "drafted_vs_raw": round(drafted / raw, 4),
            "drafted_vs_engine_bound": round(
                drafted / (arguments.concurrency / arguments.latency), 4)
            if arguments.latency and arguments.engine != "none" else 0.0}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02, help="Engine seconds per call.")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--engine", choices=("libretranslate", "none"), default="libretranslate",
                        help="none: memory and glossary only, to see the queue's own cost.")
    result = asyncio.run(main(parser.parse_args()))
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    out = Path(__file__).parent / "results" / "translate_queue.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out}")
