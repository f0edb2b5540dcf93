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

from shared.servers import free_port
from shared.settings import Settings
from tests.integration.test_service_process import ping_until_answered

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
