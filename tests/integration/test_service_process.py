"""Each service is its own process: it answers ping over NATS and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from faststream.nats import NatsBroker

from shared.bus import call
from shared.contracts.rpc import Ping, Pong, RpcFailure
from shared.settings import SERVICES, Settings
from tests.integration.bus_support import ping_until_answered

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("service", SERVICES)
async def test_service_process_answers_ping_and_stops_on_sigterm(
    service: str, settings: Settings, bus_client: NatsBroker, tmp_path: Path
) -> None:
    env = {**os.environ, "NATS_URL": settings.effective_nats_url(),
           "MONGO_URL": settings.effective_mongo_url(), "DB_PREFIX": settings.db_prefix}
    log = (tmp_path / "service.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", f"services.{service}"], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        pong = await ping_until_answered(bus_client, service)
        assert pong.service == service
        assert pong.database is True
        assert pong.instance.endswith(f":{process.pid}")

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    lines = (tmp_path / "service.log").read_text().splitlines()
    assert any('"message": "stopped"' in line for line in lines), lines[-5:]
    with pytest.raises(RpcFailure) as failure:
        await call(bus_client, f"rpc.{service}.ping", Ping(), Pong, timeout=0.5)
    assert failure.value.code == "unavailable"
