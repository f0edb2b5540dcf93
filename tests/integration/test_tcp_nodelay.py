"""Every server of ours answers a kept-alive connection at once: its accepted connections have
TCP_NODELAY, read on the server's side, and two requests on one connection take no 40 ms.

Without TCP_NODELAY the second write of an answer waits for the client's delayed ACK (about
40 ms on Linux). asyncio turns it on only when the listening socket was made with IPPROTO_TCP,
and thread-per-connection servers (wsgiref, under the metrics port) never do; so the option is
read where it matters, on the server's own descriptor of the connection, which this test
copies out of the server process with pidfd_getfd (Linux 5.6 or later).
"""

from __future__ import annotations

import ctypes
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cli.mailsink import MailSink
from shared.servers import free_port, start_nats
from tests.support import eventually

pytestmark = pytest.mark.integration

_SYS_PIDFD_GETFD = 438  # one number on every Linux architecture


@dataclass(frozen=True)
class Server:
    """A server of ours: the process that accepts, and its port."""

    pid: int
    port: int


@dataclass(frozen=True)
class Gateway:
    """The gateway process: its HTTP port, its metrics port, and its URL."""

    http: Server
    metrics: Server
    url: str


def _tcp_inode(pid: int, local_port: int, remote_port: int) -> int:
    """The socket inode of the connection local_port <- remote_port; 0 until it is accepted."""
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            ports = [int(address.rsplit(":", 1)[1], 16) for address in fields[1:3]]
            if ports == [local_port, remote_port] and int(fields[9]):
                return int(fields[9])
    return 0


def _descriptor_of(pid: int, inode: int) -> int | None:
    """The process's file descriptor number for that socket inode."""
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(entry) == f"socket:[{inode}]":
                return int(entry.name)
        except OSError:  # closed while we looked
            continue
    return None


def _copy_descriptor(pid: int, fd: int) -> socket.socket:
    """Our own copy of another process's socket (pidfd_getfd: same socket, new number)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        copy = libc.syscall(_SYS_PIDFD_GETFD, pidfd, fd, 0)
        if copy < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd failed")
    finally:
        os.close(pidfd)
    return socket.socket(fileno=copy)


def server_side_nodelay(server: Server, client: socket.socket) -> int | None:
    """TCP_NODELAY of the server's end of `client`'s connection; None until it is accepted."""
    inode = _tcp_inode(server.pid, server.port, client.getsockname()[1])
    fd = _descriptor_of(server.pid, inode) if inode else None
    if fd is None:
        return None
    with _copy_descriptor(server.pid, fd) as accepted:
        return accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.fixture(scope="module")
def gateway(mongo_url: str, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Gateway]:
    """`python -m services.gateway` with its metrics port, as `dialogues up` starts it; one
    for the module. Its own NATS server: the test one is per test, this process outlives it."""
    folder = tmp_path_factory.mktemp("nodelay")
    nats = start_nats(folder / "nats")
    metrics_port = free_port()
    env = {**os.environ, "NATS_URL": nats.url, "MONGO_URL": mongo_url, "GATEWAY_PORT": "0",
           "DB_PREFIX": f"t{uuid.uuid4().hex[:12]}", "METRICS_PORT": str(metrics_port)}
    log_path = folder / "gateway.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "services.gateway"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        port = _listening_port(log_path, process)
        yield Gateway(Server(process.pid, port), Server(process.pid, metrics_port),
                      f"http://127.0.0.1:{port}")
    finally:
        process.kill()
        process.wait()
        nats.stop()


def _listening_port(log_path: Path, process: subprocess.Popen[bytes]) -> int:
    """The gateway's port once uvicorn serves on it (the log line comes before, the answer to
    a connection after)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        for line in log_path.read_text().splitlines():
            if '"gateway listening"' in line:
                port = int(json.loads(line)["port"])
                try:
                    httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=1, trust_env=False)
                    return port
                except httpx.TransportError:
                    break
        time.sleep(0.05)
    raise AssertionError("the gateway did not serve within 60 s:\n" + log_path.read_text())


@pytest.fixture
def mail_sink(tmp_path: Path) -> Iterator[Server]:
    """The mail sink as `python -m cli.mailsink` serves it, in this process."""
    sink = MailSink(tmp_path / "mail")
    sink.start()
    yield Server(os.getpid(), sink.port)
    sink.stop()


async def accepted_nodelay(server: Server, client: socket.socket) -> int:
    """TCP_NODELAY on the server's end of `client`'s connection, once the server accepted it."""
    seen: list[int] = []

    def accepted() -> bool:
        value = server_side_nodelay(server, client)
        if value is not None:
            seen.append(value)
        return value is not None

    await eventually(accepted, 10, f"port {server.port} to accept the connection")
    return seen[0]


@pytest.mark.parametrize("port", ["http", "metrics"])
async def test_the_gateway_and_its_metrics_port_accept_with_nagle_off(
    gateway: Gateway, port: str
) -> None:
    server: Server = getattr(gateway, port)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as client:
        assert await accepted_nodelay(server, client) == 1


async def test_the_mail_sink_accepts_with_nagle_off(mail_sink: Server) -> None:
    with socket.create_connection(("127.0.0.1", mail_sink.port), timeout=5) as client:
        assert await accepted_nodelay(mail_sink, client) == 1


async def test_requests_on_one_kept_alive_connection_wait_for_no_delayed_ack(
    gateway: Gateway,
) -> None:
    """20 requests back to back on the first one's connection, against 20 each on a new
    connection: with the stall a kept-alive request took about 40 ms, ten times a new
    connection's few; without it, no longer than a new connection's, whatever the load (a
    busy machine slows both alike, so the bound is relative, with a little room)."""
    kept, client_ports = [], set()
    async with httpx.AsyncClient(base_url=gateway.url, trust_env=False, timeout=10,
                                 limits=httpx.Limits(max_connections=1)) as http:
        for _ in range(21):
            kept.append(await _timed_get(http))
            stream = (await http.get("/health/live")).extensions["network_stream"]
            client_ports.add(stream.get_extra_info("client_addr")[1])
    assert len(client_ports) == 1, "each request took a connection of its own"
    fresh = []
    for _ in range(20):
        async with httpx.AsyncClient(base_url=gateway.url, trust_env=False, timeout=10) as http:
            fresh.append(await _timed_get(http))
    kept_ms, fresh_ms = statistics.median(kept[1:]) * 1000, statistics.median(fresh) * 1000
    assert kept_ms < 2 * fresh_ms + 5, (
        f"kept-alive {kept_ms:.1f} ms against new connections {fresh_ms:.1f} ms",
        [round(t * 1000, 1) for t in kept], [round(t * 1000, 1) for t in fresh])


async def _timed_get(http: httpx.AsyncClient) -> float:
    started = time.perf_counter()
    reply = await http.get("/health/live")
    assert reply.status_code == 200, reply.text
    return time.perf_counter() - started
