"""The whole system as real processes, for breaking things on purpose.

`stack(replicas=N, **env)` starts nats-server and the MongoDB stand-in (each restartable on the
same port and store), a real SMTP server in this process (aiosmtpd, stoppable and restartable
on its port, counting mails per address), N `python -m services.<name>` processes of every
service and one gateway process. Whatever happens, every process started is killed at the end.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.policy import default
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.servers import LocalServer, free_port, start_mongo, start_nats
from shared.settings import SERVICES, Settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN_SECRET = "faults-suite-token-secret-0123456789abcdef"


@dataclass
class Mail:
    to: str
    message_id: str
    subject: str
    at: float = field(default_factory=time.monotonic)


@dataclass
class Mailbox:
    """aiosmtpd handler keeping who got what; `delay` holds each DATA answer that long."""

    mails: list[Mail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=default)
        with self.lock:
            for to in envelope.rcpt_tos:
                self.mails.append(Mail(to.lower(), str(message["Message-ID"]),
                                       str(message["Subject"])))
        return "250 OK"

    def per_address(self) -> Counter[str]:
        with self.lock:
            return Counter(mail.to for mail in self.mails)

    def doubled(self) -> dict[str, list[str]]:
        """Mails of one kind (same subject) that reached one address more than once: the
        Message-IDs of each copy, by address and subject."""
        with self.lock:
            copies: dict[str, list[str]] = {}
            for mail in self.mails:
                copies.setdefault(f"{mail.to} {mail.subject}", []).append(mail.message_id)
            return {key: ids for key, ids in copies.items() if len(ids) > 1}

    def count(self) -> int:
        with self.lock:
            return len(self.mails)


class Smtp:
    """A real SMTP server on a fixed port that a test may stop and start again."""

    def __init__(self) -> None:
        self.port, self.box = free_port(), Mailbox()
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self.box, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass
class Stack:
    """Every process of one running system, and how to break and mend each."""

    root: Path
    env: dict[str, str]
    nats: LocalServer
    mongo: LocalServer
    smtp: Smtp
    gateway_url: str = ""
    processes: dict[str, list[subprocess.Popen[bytes]]] = field(default_factory=dict)
    everything: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return Settings(nats_url=self.nats.url, mongo_url=self.mongo.url,
                        db_prefix=self.env["DB_PREFIX"], data_dir=self.root / "data",
                        token_secret=TOKEN_SECRET)

    def spawn(self, name: str, module: str, **extra: str) -> subprocess.Popen[bytes]:
        """`python -m module`, logging to a file of its own."""
        index = len(self.processes.get(name, []))
        log = (self.root / "logs" / f"{name}-{index}-{time.monotonic_ns()}.log").open("wb")
        with log:
            process = subprocess.Popen(
                [sys.executable, "-m", module], cwd=ROOT, env={**self.env, **extra},
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.processes.setdefault(name, []).append(process)
        self.everything.append(process)
        return process

    def live(self, name: str) -> list[subprocess.Popen[bytes]]:
        return [p for p in self.processes.get(name, []) if p.poll() is None]

    def kill(self, name: str) -> int:
        """SIGKILL every live process of a service, as a crash would; how many."""
        victims = self.live(name)
        for process in victims:
            process.send_signal(signal.SIGKILL)
            process.wait()
        return len(victims)

    def kill_nats(self) -> None:
        self.nats.kill()

    def restart_nats(self) -> None:
        self.nats = start_nats(self.root / "nats", self.nats.port)

    def kill_mongo(self) -> None:
        self.mongo.kill()

    def stop_mongo(self) -> None:
        """SIGTERM: the server goes away without losing what it acknowledged."""
        self.mongo.stop()

    def restart_mongo(self) -> None:
        self.mongo = start_mongo(self.root / "mongo", self.mongo.port)

    def logs(self, name: str) -> str:
        return "".join(path.read_text(errors="replace")
                       for path in sorted((self.root / "logs").glob(f"{name}-*.log")))

    def tail(self) -> str:
        text = ""
        for path in sorted((self.root / "logs").glob("*.log")):
            text += f"\n--- {path.name} ---\n" + "\n".join(
                path.read_text(errors="replace").splitlines()[-8:])
        return text

    def stop_all(self) -> None:
        for process in self.everything:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait()
        self.nats.kill()
        self.mongo.kill()
        self.smtp.stop()


def wait_ready(url: str, timeout: float, stack: Stack) -> None:
    """Until `/health/ready` answers 200 (every service and its database answered)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"not ready within {timeout:g} s:{stack.tail()}")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Callable[..., Stack]]:
    """`stack(replicas=1, **env)`: the whole system as processes; all killed at the end."""
    made: list[Stack] = []

    def make(replicas: int = 1, **extra_env: str) -> Stack:
        (tmp_path / "logs").mkdir()
        smtp = Smtp()
        smtp.start()
        nats = start_nats(tmp_path / "nats")
        mongo = start_mongo(tmp_path / "mongo")
        env = {name: value for name, value in os.environ.items()
               if not name.endswith(("_URL", "_HOST", "_PORT")) and name != "DATA_DIR"}
        env.update(
            NATS_URL=nats.url, MONGO_URL=mongo.url, DB_PREFIX="faults",
            DATA_DIR=str(tmp_path / "data"), SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port),
            TOKEN_SECRET=TOKEN_SECRET, GATEWAY_HOST="127.0.0.1", GATEWAY_PORT=str(free_port()),
            PUBLIC_RATE_LIMIT="1000000", LOG_LEVEL="INFO",
            NOTIFY_SEND_RATE="1000", NOTIFY_POLL_SECONDS="0.1",
            NOTIFY_RETRY_BASE_SECONDS="1", NOTIFY_LEASE_SECONDS="5", NOTIFY_SMTP_TIMEOUT="5",
            CONSUMER_MAX_DELIVER="3",
        )
        env.update(extra_env)
        built = Stack(tmp_path, env, nats, mongo, smtp)
        made.append(built)
        for name in SERVICES:
            for _ in range(replicas):
                built.spawn(name, f"services.{name}")
        built.spawn("gateway", "services.gateway")
        built.gateway_url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
        wait_ready(built.gateway_url, 60, built)
        return built

    try:
        yield make
    finally:
        for built in made:
            built.stop_all()
