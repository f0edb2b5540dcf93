"""The whole system as real processes, and how to break and mend each: nats-server and the
MongoDB stand-in (each restartable on the same port and store), a real SMTP server in this
process (aiosmtpd, stoppable and restartable on its port, counting mails per address), and
`python -m services.<name>` processes. The `stack` fixture (conftest.py) starts them."""

from __future__ import annotations

import email
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.policy import default
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.servers import LocalServer, free_port, start_mongo, start_nats
from shared.settings import Settings
from tests.faults.nats_cluster import NatsCluster
from tests.support.up import ROOT

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
    nats: LocalServer | NatsCluster
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
        assert isinstance(self.nats, LocalServer), "a cluster restarts node by node"
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
