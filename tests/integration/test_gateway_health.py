"""Readiness is public: it says what answers and nothing more, and a flood of probes costs
neither the services nor the gateway's memory."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from faststream.nats import NatsBroker
from nats.aio.msg import Msg

from shared.servers import free_port
from shared.service import RunningService
from shared.settings import SERVICES, Settings
from shared.telemetry import package_version
from tests.integration.gateway_support import listening_url, retry_until_answered

pytestmark = pytest.mark.integration


async def test_readiness_tells_no_hosts_processes_or_versions(
    gateway_http: httpx.AsyncClient,
) -> None:
    response = await gateway_http.get("/health/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "database": True,
                               "services": dict.fromkeys(SERVICES, "ready")}
    for revealing in (socket.gethostname(), str(os.getpid()), package_version()):
        assert revealing not in response.text


async def test_a_burst_of_probes_makes_one_round_of_pings(
    gateway_http: httpx.AsyncClient, bus_client: NatsBroker
) -> None:
    pings: list[str] = []

    async def seen(message: Msg) -> None:
        pings.append(message.subject)

    watcher = await bus_client.connection.subscribe("rpc.*.ping", cb=seen)
    try:
        answers = await asyncio.gather(*(gateway_http.get("/health/ready") for _ in range(200)))
        await asyncio.sleep(0.2)
    finally:
        await watcher.unsubscribe()
    assert {answer.status_code for answer in answers} == {200}
    # One round (two if the burst straddled the end of a round's second), not 200.
    assert len(pings) in (len(SERVICES), 2 * len(SERVICES)), len(pings)


async def test_thousands_of_probes_do_not_grow_the_metrics(
    settings: Settings, running_services: dict[str, RunningService], tmp_path: Path
) -> None:
    """Measured on a real gateway process, which installs the metrics as in production."""
    metrics_port = free_port()
    env = {**os.environ, "NATS_URL": settings.effective_nats_url(), "GATEWAY_PORT": "0",
           "MONGO_URL": settings.effective_mongo_url(), "DB_PREFIX": settings.db_prefix,
           "METRICS_PORT": str(metrics_port)}
    log_path = tmp_path / "gateway.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "services.gateway"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        url = await listening_url(log_path, process)
        metrics = f"http://127.0.0.1:{metrics_port}/metrics"
        async with httpx.AsyncClient(base_url=url, timeout=10, trust_env=False) as http:
            await retry_until_answered(http, "/health/live")
            for _ in range(50):  # every series there will be, present once
                assert (await http.get("/health/ready")).status_code == 200
            before = (await http.get(metrics)).text
            for _ in range(3000):
                await http.get("/health/ready")
                await asyncio.sleep(0)  # let the services in this loop answer pings
            after = (await http.get(metrics)).text
    finally:
        process.kill()
        process.wait()
    assert "_INBOX" not in after
    assert "http_server_duration" in after and "http_host" not in after  # the client's word
    # Counts grow by a few digits. A slow ping may add a few bounded series once (a timeout's
    # `error.type`, a 503), about 5 kB each; a series per request would add megabytes.
    new = {line.rsplit(" ", 1)[0] for line in after.splitlines()} - {
        line.rsplit(" ", 1)[0] for line in before.splitlines()}
    assert len(after) - len(before) < 50_000, sorted(new)[:20]
