"""Each process serves its metrics as Prometheus text: RPC latency, JetStream-derived gauges."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from faststream.nats import NatsBroker

from shared.bus import call
from shared.contracts.rpc import Ping, Pong
from shared.servers import free_port
from shared.settings import Settings
from tests.integration.bus_support import ping_until_answered

pytestmark = pytest.mark.integration


async def test_a_service_process_serves_prometheus_metrics(
    settings: Settings, bus_client: NatsBroker, tmp_path: Path
) -> None:
    port = free_port()
    env = {**os.environ, "NATS_URL": settings.effective_nats_url(),
           "MONGO_URL": settings.effective_mongo_url(), "DB_PREFIX": settings.db_prefix,
           "METRICS_PORT": str(port)}
    with (tmp_path / "log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "services.registration"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        await ping_until_answered(bus_client, "registration")
        async with httpx.AsyncClient(timeout=5, trust_env=False) as http:
            for _ in range(50):  # the JetStream gauges are read right after start
                text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
                if "dialogues_dlq_depth" in text:
                    break
                await asyncio.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    lines = text.splitlines()
    assert any(line.startswith("dialogues_rpc_duration_seconds_count{")
               and 'rpc_service="registration"' in line and 'rpc_method="ping"' in line
               and 'outcome="ok"' in line for line in lines), text[:2000]
    assert any(line.startswith("dialogues_dlq_depth") and line.endswith(" 0.0") for line in lines)
    assert 'service_name="dialogues-registration"' in text or "target_info" in text


async def test_replies_add_no_series_per_request(
    settings: Settings, bus_client: NatsBroker, tmp_path: Path
) -> None:
    """Each RPC reply goes to a unique `_INBOX.*` subject: a label holding it would add series
    (and memory) with every request. Labels take bounded values only."""
    port = free_port()
    env = {**os.environ, "NATS_URL": settings.effective_nats_url(),
           "MONGO_URL": settings.effective_mongo_url(), "DB_PREFIX": settings.db_prefix,
           "METRICS_PORT": str(port)}
    with (tmp_path / "log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "services.registration"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        await ping_until_answered(bus_client, "registration")
        async with httpx.AsyncClient(timeout=5, trust_env=False) as http:
            url = f"http://127.0.0.1:{port}/metrics"
            for _ in range(50):  # every series there will be, present once
                await call(bus_client, "rpc.registration.ping", Ping(), Pong, timeout=2)
                if "dialogues_dlq_depth" in (before := (await http.get(url)).text):
                    break
            for _ in range(300):
                await call(bus_client, "rpc.registration.ping", Ping(), Pong, timeout=2)
            after = (await http.get(url)).text
    finally:
        process.kill()
        process.wait()
    assert "_INBOX" not in after
    # Counts grow by a few digits; one series per reply would add about 4 kB each.
    assert len(after) - len(before) < 2_000, (len(before), len(after))
