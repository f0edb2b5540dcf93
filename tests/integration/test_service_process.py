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
from shared.servers import LocalServer
from shared.settings import SERVICES, Settings
from tests.integration.bus_support import ping_until_answered, url_of
from tests.support.polling import eventually

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("service", SERVICES)
async def test_service_process_answers_ping_and_stops_on_sigterm(
    service: str, settings: Settings, bus_client: NatsBroker, tmp_path: Path
) -> None:
    env = {**os.environ, "NATS_URL": settings.effective_nats_url(),
           "MONGO_URL": settings.effective_mongo_url(), "DB_PREFIX": settings.db_prefix}
    log_path = tmp_path / "service.log"
    log = log_path.open("wb")
    process = subprocess.Popen([sys.executable, "-m", f"services.{service}"], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        pong = await ping_until_answered(bus_client, service)
        assert pong.service == service
        assert pong.database is True
        assert pong.instance.endswith(f":{process.pid}")
        # Ping is answered a moment before the start is complete (the relay and loops come
        # last); a signal in that moment is a stop while starting, tested apart below.
        await eventually(lambda: '"message": "service started"' in log_path.read_text(), 15,
                         "the service to log that it started")

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


async def test_a_signal_while_waiting_to_start_stops_the_process_cleanly(
    secured_nats: LocalServer, settings: Settings, tmp_path: Path
) -> None:
    """Under the deployment's users notify may not create registration's stream, so it waits
    for it; SIGTERM then ends the wait, closes what was opened, and exits 0."""
    env = {**os.environ, "NATS_URL": url_of(secured_nats, "notify"),
           "MONGO_URL": settings.effective_mongo_url(), "DB_PREFIX": "waiting"}
    log_path = tmp_path / "service.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "services.notify"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        await eventually(lambda: "waiting for stream" in log_path.read_text(), 30,
                         "notify to wait for registration's stream")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    lines = log_path.read_text().splitlines()
    assert any('"message": "stopped while starting"' in line for line in lines), lines[-5:]
    assert not any('"level": "error"' in line or "Traceback" in line for line in lines), lines
