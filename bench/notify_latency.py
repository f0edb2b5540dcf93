"""Notify latency: from a registration event on the bus to the SMTP server's acceptance.

Starts nats-server, the embedded MongoDB stand-in, an aiosmtpd server that notes when each
message arrives, and the notify service; publishes `ParticipantConfirmed` events at a steady
rate and measures, per event, publish -> SMTP `250` (p50/p99 and throughput). The baseline in
the same run is a raw loop sending a message of the same size over SMTP at the same rate
(client start -> server acceptance), so the ratio shows what the event path adds: consumer,
audience, rendering with the `.ics`, the delivery log and its lease, the outbox. (A
participant event keeps no inbox record: its delivery's `_id` turns away copies.)

The event path's time is also split into stages from the delivery log: publish -> queued
(consumer, audience, rendering, insert) and queued -> SMTP accepted (the
wait for a sending worker, the SMTP exchange, the outcome's record). Notify runs in this
process, so the MongoDB commands it issues per mail are counted here, by command and
collection (`insert deliveries`); the stand-in's CPU is about proportional to them, plus its
scans. CPU ms per mail is measured for this process (notify, the publisher and the SMTP
sink), the stand-in and nats-server; the raw baseline's row shows the sink's own share.

    uv run python bench/notify_latency.py [--events 1000] [--rate 100] [--replicas 1]
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
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
from pymongo import monitoring

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cpu import CpuMeter
from services.notify.bootstrap import build_spec
from services.notify.settings import NotifySettings, SmtpSettings
from shared.bus import make_broker
from shared.contracts.registration import events as reg
from shared.ids import id_floor
from shared.servers import free_port, start_mongo, start_nats
from shared.service import start_service
from shared.settings import Settings


class Arrivals:
    """aiosmtpd handler: the perf-counter time each recipient's message was accepted."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.lock = threading.Lock()
        self.size = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.at[envelope.rcpt_tos[0]] = time.perf_counter()
            self.size = len(envelope.original_content)
        return "250 OK"


class MongoCommands(monitoring.CommandListener):
    """Counts the MongoDB commands of this process (notify's, while the events flow), by
    command and collection (`insert deliveries`), driver chatter (`hello`) left out."""

    CHATTER = frozenset({"hello", "ismaster", "isMaster", "endSessions", "ping"})

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.on = False

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.on and event.command_name not in self.CHATTER:
            key = f"{event.command_name} {collection_of(event)}".rstrip()
            self.counts[key] = self.counts.get(key, 0) + 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def per_operation(self, count: int) -> dict[str, float]:
        per = {name: round(n / count, 2) for name, n in sorted(self.counts.items())}
        return {"total": round(sum(self.counts.values()) / count, 2), **per}


def collection_of(event: monitoring.CommandStartedEvent) -> str:
    """The collection a command works on (`getMore` names it in `collection`)."""
    command = event.command
    target = command.get("collection") if event.command_name == "getMore" else (
        command.get(event.command_name))
    return target if isinstance(target, str) else ""


COMMANDS = MongoCommands()
monitoring.register(COMMANDS)  # before any client exists: only those see it


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50_ms": pick(0.50) * 1000, "p99_ms": pick(0.99) * 1000,
            "mean_ms": statistics.fmean(ordered) * 1000}


async def paced(count: int, rate: float, action: Any) -> float:
    """Run `action(i)` at a steady rate; returns the elapsed seconds."""
    started = time.perf_counter()
    for i in range(count):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await action(i)
    return time.perf_counter() - started


async def raw_smtp(port: int, arrivals: Arrivals, count: int, rate: float) -> dict[str, float]:
    body = "x" * max(arrivals.size - 600, 1000)
    sent: dict[str, float] = {}

    async def send(i: int) -> None:
        to = f"raw{i}@bench.invalid"
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = "raw", "b@bench.invalid", to
        message.set_content(body)
        sent[to] = time.perf_counter()
        await aiosmtplib.send(message, hostname="127.0.0.1", port=port, start_tls=False)

    elapsed = await paced(count, rate, send)
    return {**percentiles([arrivals.at[to] - t for to, t in sent.items()]),
            "per_s": count / elapsed}


def confirmed(i: int) -> reg.ParticipantConfirmed:
    start = datetime.now(UTC) + timedelta(days=10)
    return reg.ParticipantConfirmed(
        registration_id=f"reg-{i}", cancel_token="tok.bench",
        participant=reg.Participant(name=f"Participante {i}", email=f"p{i}@bench.invalid",
                                    preferred_language=("es", "en", "pt", "fr")[i % 4],
                                    country="CO"),
        session=reg.SessionSnapshot(
            session_id="bench", title={"es": "Compras públicas", "en": "Public procurement"},
            format="webinar", starts_at=start, ends_at=start + timedelta(hours=1),
            timezone="America/Bogota", languages=["es", "en"], join_url="https://m.example/j"))


def created_s(record: dict[str, Any]) -> float:
    """When a delivery was queued, in epoch seconds: its `order` id starts with the epoch
    milliseconds in hex (`shared.ids`)."""
    return int(record["order"][:len(id_floor(datetime.now(UTC)))], 16) / 1000


async def event_path(settings: Settings, smtp: SmtpSettings, arrivals: Arrivals, count: int,
                     rate: float, replicas: int, meter: CpuMeter) -> dict[str, Any]:
    spec = build_spec(options=NotifySettings(poll_seconds=0.2), smtp=smtp)  # default send rate
    services = [await start_service(spec, settings) for _ in range(replicas)]
    broker = make_broker(settings, client_name="bench")
    await broker.connect()
    published: dict[str, float] = {}
    wall: dict[str, float] = {}

    async def publish(i: int) -> None:
        event, event_id = confirmed(i), uuid.uuid4().hex
        body, headers = event.to_cloudevent(event_id=event_id, source="bench",
                                            time=datetime.now(UTC)).to_nats()
        headers["Nats-Msg-Id"] = event_id
        published[event.participant.email] = time.perf_counter()
        wall[event.participant.email] = time.time()
        await broker.publish(body, event.subject(), headers=headers, stream="REGISTRATION")

    meter.start()
    COMMANDS.on = True
    started = time.perf_counter()
    await paced(count, rate, publish)
    while not all(to in arrivals.at for to in published):
        if time.perf_counter() - started > 120:
            raise TimeoutError("not every mail arrived")
        await asyncio.sleep(0.05)
    elapsed = max(arrivals.at[to] for to in published) - started
    cpu = meter.per_operation_ms(count)
    COMMANDS.on = False
    records = await services[0].runtime.db["deliveries"].find(
        {}, {"to": 1, "order": 1, "sent_ms": 1}).to_list()
    await broker.stop()
    for service in services:
        await service.stop()
    queued = [created_s(r) - wall[r["to"]] for r in records if r["to"] in wall]
    sent = [r["sent_ms"] / 1000 - created_s(r) for r in records
            if r["to"] in wall and r.get("sent_ms")]
    return {**percentiles([arrivals.at[to] - t for to, t in published.items()]),
            "per_s": count / elapsed, **cpu,
            "mongo_commands_per_mail": COMMANDS.per_operation(count),
            "stages": {"publish_to_queued": percentiles(queued),
                       "queued_to_sent": percentiles(sent)}}


async def main(events: int, rate: float, replicas: int = 1) -> dict[str, Any]:
    from aiosmtpd.controller import Controller

    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        nats_server, mongo = start_nats(Path(folder) / "nats"), start_mongo(Path(folder) / "db")
        arrivals, port = Arrivals(), free_port()
        controller = Controller(arrivals, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            settings = Settings(nats_url=nats_server.url, mongo_url=mongo.url,
                                db_prefix=f"bench{uuid.uuid4().hex[:8]}")
            meter = CpuMeter({"cpu_ms_this_process": os.getpid(),
                              "cpu_ms_stand_in": mongo.process.pid,
                              "cpu_ms_nats": nats_server.process.pid})
            smtp = SmtpSettings(smtp_host="127.0.0.1", smtp_port=port)
            path = await event_path(settings, smtp, arrivals, events, rate, replicas, meter)
            meter.start()
            raw = {**await raw_smtp(port, arrivals, events, rate),
                   **meter.per_operation_ms(events)}
        finally:
            controller.stop()
            nats_server.stop()
            mongo.stop()
    rows = {"raw SMTP send": raw, "event -> SMTP accepted": path,
            "  stage publish -> queued": {**path["stages"]["publish_to_queued"], "per_s": 0.0},
            "  stage queued -> sent": {**path["stages"]["queued_to_sent"], "per_s": 0.0}}
    print(f"{events} mails at {rate:g}/s, {replicas} notify replica(s), "
          f"message ~{arrivals.size / 1024:.1f} KiB")
    print(f"{'path':<26}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}{'mails/s':>10}")
    for name, row in rows.items():
        print(f"{name:<26}{row['p50_ms']:>10.1f}{row['p99_ms']:>10.1f}"
              f"{row['mean_ms']:>10.1f}{row['per_s']:>10.1f}")
    print("CPU ms per mail (this process incl. the SMTP sink / stand-in / nats): event path "
          f"{path['cpu_ms_this_process']} / {path['cpu_ms_stand_in']} / {path['cpu_ms_nats']}"
          f", raw {raw['cpu_ms_this_process']} / {raw['cpu_ms_stand_in']} / "
          f"{raw['cpu_ms_nats']}")
    print(f"MongoDB commands per mail (notify): {path['mongo_commands_per_mail']}")
    ratio = {k: path[k] / raw[k] for k in ("p50_ms", "p99_ms")}
    print(f"ratio event/raw: p50 x{ratio['p50_ms']:.1f}, p99 x{ratio['p99_ms']:.1f}")
    out = Path(__file__).parent / "results" / "notify_latency.json"
    out.parent.mkdir(exist_ok=True)
    result = {"events": events, "rate": rate, "replicas": replicas, "raw": raw, "event": path,
              "ratio": ratio, "message_bytes": arrivals.size}
    out.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0,
                        help="events (and raw sends) a second")
    parser.add_argument("--replicas", type=int, default=1, help="notify replicas")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.events, arguments.rate, arguments.replicas))
