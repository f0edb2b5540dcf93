"""The broker factory's connection policy against a real nats-server: fail fast at startup,
reconnect for ever once connected, stop promptly during an outage, and report a connection
the server closed for good (here: the user's credentials are revoked by a config reload)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nats.errors
import pytest

from shared.broker import RECONNECT_WAIT_S, STARTUP_CONNECT_ATTEMPTS
from shared.bus import bus_is_connected, inbox_prefix, make_broker
from shared.servers import LocalServer, free_port, start_nats
from shared.service import EXIT_BUS_CLOSED
from shared.settings import Settings
from tests.support import eventually

pytestmark = pytest.mark.integration
USERS = "authorization { users = [ %s ] }\n"
SERVICE_USER = '{user: svc, password: "pw-svc"}'
OTHER_USER = '{user: other, password: "pw-other"}'


def revocable(tmp_path: Path) -> tuple[LocalServer, Path]:
    """A server whose configuration file the test may rewrite and reload (SIGHUP)."""
    config = tmp_path / "users.conf"
    config.write_text(USERS % f"{SERVICE_USER}, {OTHER_USER}")
    return start_nats(tmp_path / "nats", config=config), config


def revoke_service_user(server: LocalServer, config: Path) -> None:
    config.write_text(USERS % OTHER_USER)
    server.process.send_signal(signal.SIGHUP)


async def test_startup_fails_fast_without_a_server() -> None:
    broker = make_broker(Settings(nats_url=f"nats://127.0.0.1:{free_port()}"), client_name="t")
    started = time.monotonic()
    with pytest.raises((nats.errors.Error, OSError)):
        await broker.connect()
    assert time.monotonic() - started < (STARTUP_CONNECT_ATTEMPTS + 2) * RECONNECT_WAIT_S


async def test_once_connected_it_reconnects_for_ever_and_stops_during_an_outage(
        tmp_path: Path) -> None:
    server = start_nats(tmp_path / "nats")
    broker = make_broker(Settings(nats_url=server.url), client_name="t")
    await broker.connect()
    try:
        assert broker.connection.options["max_reconnect_attempts"] == -1  # for ever
        assert bus_is_connected(broker)
        server.kill()
        # Longer than the startup attempts: a limit carried over would close the connection.
        await asyncio.sleep((STARTUP_CONNECT_ATTEMPTS + 2) * RECONNECT_WAIT_S)
        assert not bus_is_connected(broker) and not broker.connection.is_closed
        server = start_nats(tmp_path / "nats", server.port)
        await eventually(lambda: bus_is_connected(broker), timeout=RECONNECT_WAIT_S + 3,
                         interval=0.1, what="reconnected once NATS was back")
        await broker.connection.flush(timeout=2)
        server.kill()
        await asyncio.sleep(0.5)
        await broker.publish(b"{}", "t.buffered")  # kept to send on reconnection
        started = time.monotonic()
        await broker.stop()  # nothing to drain while NATS is away: close, do not raise
        assert time.monotonic() - started < 2
    finally:
        server.stop()


async def test_users_get_their_own_inbox(tmp_path: Path) -> None:
    server, _ = revocable(tmp_path)
    url = f"nats://svc:pw-svc@127.0.0.1:{server.port}"
    broker = make_broker(Settings(nats_url=url), client_name="t")
    await broker.connect()
    try:
        assert broker.connection.new_inbox().startswith("_INBOX_svc.")
    finally:
        await broker.stop()
        server.stop()


async def test_a_connection_closed_for_good_is_reported_and_a_stop_is_not(
        tmp_path: Path) -> None:
    server, config = revocable(tmp_path)
    url = f"nats://svc:pw-svc@127.0.0.1:{server.port}"
    closed: list[str] = []

    async def on_closed() -> None:
        closed.append("closed")

    try:
        stopped = make_broker(Settings(nats_url=url), client_name="t", on_closed=on_closed)
        await stopped.connect()
        await stopped.stop()
        assert closed == []  # a close we asked for
        revoked = make_broker(Settings(nats_url=url), client_name="t", on_closed=on_closed)
        await revoked.connect()
        revoke_service_user(server, config)
        await eventually(lambda: closed, timeout=5, interval=0.1,
                         what="the closed connection reported")
        assert not bus_is_connected(revoked)
        await revoked.stop()
    finally:
        server.stop()


async def test_a_service_exits_for_a_restart_when_its_connection_closes_for_good(
        tmp_path: Path, mongo_url: str) -> None:
    """Not the 100% CPU spin of FastStream's pull consumers on a closed connection: the
    catalog (pull consumers, an index follower) exits at once with its own status."""
    server, config = revocable(tmp_path)
    env = {**os.environ, "NATS_URL": f"nats://svc:pw-svc@127.0.0.1:{server.port}",
           "MONGO_URL": mongo_url, "DB_PREFIX": "closed"}
    log = tmp_path / "catalog.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "services.catalog"], env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while '"service started"' not in log.read_text(errors="replace"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.2)
        revoke_service_user(server, config)
        assert process.wait(timeout=10) == EXIT_BUS_CLOSED, log.read_text()[-2000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        server.stop()


def test_the_inbox_prefix_names_the_user_of_the_url() -> None:
    assert inbox_prefix(Settings(nats_url="nats://gateway:pw@nats:4222")) == "_INBOX_gateway"
    assert inbox_prefix(Settings(nats_url="nats://a:b@n1:4222,nats://a:b@n2:4222")) == "_INBOX_a"
    assert inbox_prefix(Settings(nats_url="nats://127.0.0.1:4222")) == "_INBOX"
