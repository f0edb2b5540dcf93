"""Every service does all its bus work under its own user of deploy/nats.conf: it declares the
streams it owns, waits for the others' (all start at once, the readers first), answers RPC
through its inbox and `allow_responses`, passes its health check, and every durable consumer
reads, dead-letters and acknowledges what arrives on the stream it follows."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.catalog.bootstrap import SPEC as CATALOG
from services.notify.bootstrap import SPEC as NOTIFY
from services.numbers.bootstrap import SPEC as NUMBERS
from services.registration.bootstrap import SPEC as REGISTRATION
from services.translate.bootstrap import SPEC as TRANSLATE
from shared.bus import call, make_broker
from shared.contracts.catalog.events import IngestedDocument
from shared.contracts.registration.ingest import AnnouncedSession
from shared.contracts.rpc import Ping, Pong
from shared.healthcheck import healthy
from shared.servers import LocalServer
from shared.service import RunningService, start_service
from tests.integration.bus_support import (
    ROOT,
    connect_as,
    settings_of,
    url_of,
)
from tests.support import eventually

pytestmark = pytest.mark.integration

# What each owner publishes (not a CloudEvent: every consumer must dead-letter and ack it),
# and the durable consumers that must take it.
ARRIVALS = {
    "registration": [("registration.session.published.v1", "REGISTRATION")],
    "catalog": [("catalog.document.published.v1", "CATALOG")],
    "translate": [("translate.job.completed.v1", "TRANSLATE"),
                  ("translate.job.queued.v1", "TRANSLATE")],
    "integration": [("ingest.registration.attendance.v1", "INGEST"),
                    (AnnouncedSession.subject_for("webinar"), "INGEST"),
                    ("ingest.catalog.integration.recording.v1", "INGEST")],
    "chilecompra": [(IngestedDocument.subject_for("chilecompra"), "INGEST")],  # a portal
}
CONSUMERS = {  # durable: (its service, the stream it reads)
    "registration-attendance": ("registration", "INGEST"),
    "registration-announcements": ("registration", "INGEST"),
    "registration-translations": ("registration", "TRANSLATE"),
    "catalog-translations": ("catalog", "TRANSLATE"), "catalog-ingest": ("catalog", "INGEST"),
    "catalog-sessions": ("catalog", "REGISTRATION"),
    "catalog-recordings": ("catalog", "INGEST"),
    "translate-catalog": ("translate", "CATALOG"),
    "translate-sessions": ("translate", "REGISTRATION"),
    "translate-drafter": ("translate", "TRANSLATE"),
    "notify-registration": ("notify", "REGISTRATION"), "notify-catalog": ("notify", "CATALOG"),
    "notify-translate": ("notify", "TRANSLATE"),
    "numbers-registration": ("numbers", "REGISTRATION"), "numbers-catalog": ("numbers", "CATALOG"),
    "numbers-translate": ("numbers", "TRANSLATE")}
DEAD_LETTERS = 17  # one per consumer and message; the drafter drops what it cannot read


def _dialogues(server: LocalServer, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`dialogues ...` as the operator runs it in compose's `ops` service."""
    env = {**os.environ, "NATS_URL": url_of(server, "operator"), "DATA_DIR": str(folder)}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


async def _operator_lists_and_replays(server: LocalServer, folder: Path) -> None:
    listed = await asyncio.to_thread(_dialogues, server, folder, "dlq", "list")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == DEAD_LETTERS
    first = next(line for line in lines if "notify-registration" in line)
    sequence = first.split()[0]
    replayed = await asyncio.to_thread(_dialogues, server, folder, "dlq", "replay", sequence)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert replayed.stdout.strip() == (
        f"replayed {sequence} on registration.session.published.v1")


async def _operator_sees_the_services(server: LocalServer, names: set[str]) -> None:
    """As `nats --inbox-prefix _INBOX_operator micro info|stats` asks: each service answers
    the Services API for itself under its own user (shared/services_api.py)."""
    connection, seen = await connect_as(server, "operator")
    for name in names:
        for verb in ("INFO", "STATS"):
            reply = await connection.request(f"$SRV.{verb}.{name}", b"", timeout=2)
            endpoints = json.loads(reply.data)["endpoints"]
            assert f"rpc.{name}.ping" in {e["subject"] for e in endpoints}, (verb, name)
    assert await seen.violations(connection) == []
    await connection.close()


async def _drained(services: dict[str, RunningService]) -> bool:
    """Whether every consumer, asked as its own service, took and acknowledged everything."""
    for durable, (name, stream) in CONSUMERS.items():
        js = services[name].runtime.broker.connection.jetstream()
        info = await js.consumer_info(stream, durable)
        if info.num_pending or info.num_ack_pending or not info.delivered.stream_seq:
            return False
    return True


async def test_every_service_works_under_its_own_user(
        mongo_url: str, secured_nats: LocalServer, tmp_path: Path) -> None:
    specs = (NUMBERS, NOTIFY, TRANSLATE, CATALOG, REGISTRATION)  # readers before owners
    started = await asyncio.gather(*(
        start_service(spec, settings_of(secured_nats, spec.name, mongo_url, "perm-all"))
        for spec in specs))
    services = {service.spec.name: service for service in started}
    gateway = make_broker(settings_of(secured_nats, "gateway"), client_name="gw")
    try:
        await gateway.connect()
        for name in services:
            pong = await call(gateway, f"rpc.{name}.ping", Ping(), Pong, timeout=2)
            assert pong.service == name and pong.database
            assert await healthy(name, settings_of(secured_nats, name, mongo_url)), name
        await _operator_sees_the_services(secured_nats, set(services))
        registered = {d for s in services.values() for _, d in s.runtime.consumers}
        assert registered == set(CONSUMERS) - {"translate-drafter"}  # its own router

        for user, arrivals in ARRIVALS.items():
            connection, seen = await connect_as(secured_nats, user)
            for subject, stream in arrivals:
                await connection.jetstream().publish(subject, b"not a cloudevent",
                                                     stream=stream)
            assert await seen.violations(connection) == [], user
            await connection.close()

        await eventually(lambda: _drained(services), timeout=20, interval=0.2,
                         what="every consumer took and acked its messages")
        dlq = services["registration"].runtime.broker.connection.jetstream()
        assert (await dlq.stream_info("DLQ")).state.messages == DEAD_LETTERS
        rejections = await dlq.stream_info("INGEST", subjects_filter="ingest.rejected.v1")
        assert rejections.state.subjects == {"ingest.rejected.v1": 4}
        await _operator_lists_and_replays(secured_nats, tmp_path)
    finally:
        await gateway.stop()
        for service in started:
            await service.stop()
