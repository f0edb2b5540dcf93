"""What the bus permission tests share: nats-server started from deploy/nats.conf itself, and
clients that connect as one of its users and collect the server's permission violations.

`NATS_CONF_UNDER_TEST` names another file to run the same tests against (the configuration
before a change, say: `git show HEAD:deploy/nats.conf > /tmp/old.conf`).
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import nats
from faststream.nats import NatsBroker
from nats.aio.client import Client

from shared.bus import call
from shared.contracts.rpc import Ping, Pong, RpcFailure
from shared.servers import LocalServer
from shared.settings import Settings
from tests.support.polling import eventually

ROOT = Path(__file__).resolve().parents[2]
USERS = ("registration", "catalog", "translate", "notify", "numbers", "gateway",
         "integration", "operator")
PORTALS = ("chilecompra",)  # deploy/nats-portals.conf: a portal's user is its source


def config_under_test() -> Path:
    return Path(os.environ.get("NATS_CONF_UNDER_TEST") or ROOT / "deploy" / "nats.conf")


def deployed_password_variables() -> list[str]:
    """Every `$..._NATS_PASSWORD` deploy/nats.conf and the file it includes name."""
    deploy = ROOT / "deploy"
    return sorted({name for file in ("nats.conf", "nats-portals.conf")
                   for name in re.findall(r"\$([A-Z_]+_NATS_PASSWORD)",
                                          (deploy / file).read_text())})


def url_of(server: LocalServer, user: str) -> str:
    return f"nats://{user}:pw-{user}@127.0.0.1:{server.port}"


def settings_of(server: LocalServer, user: str, mongo_url: str = "", db_prefix: str = "perm"
                ) -> Settings:
    return Settings(nats_url=url_of(server, user), mongo_url=mongo_url or None,
                    db_prefix=db_prefix)


def own_inbox(user: str) -> str:
    """The inbox prefix the configuration gives `user`. A configuration without per-user
    inboxes (the old one) gets the default, so that the tests reach their assertions."""
    prefix = f"_INBOX_{user}"
    config = config_under_test()
    texts = [path.read_text() for path in (config, config.parent / "nats-portals.conf")
             if path.exists()]  # the portals' users are in the file it includes
    return prefix if any(f"{prefix}." in text for text in texts) else "_INBOX"


class Seen:
    """A connection's permission violations, as the server reports them (asynchronously)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    async def record(self, error: Exception) -> None:
        self.errors.append(str(error).lower())

    async def violations(self, connection: Client, settle: float = 0.2) -> list[str]:
        """Every violation reported so far, after a round trip and `settle` seconds more.

        The wait is timed on purpose: it comes before asserting that none was reported, and a
        core NATS error is seen by no barrier (tests/support/quiet.py looks at JetStream and
        the databases only).
        """
        await connection.flush()
        await asyncio.sleep(settle)
        return self._violations()

    async def refused(self, connection: Client, subject: str, timeout: float = 5.0) -> bool:
        """True once the server has refused something on `subject` (nats-py reports it
        lowercased); fails after `timeout` seconds without that refusal."""
        await connection.flush()
        wanted = subject.lower()
        return await eventually(lambda: any(wanted in e for e in self._violations()), timeout,
                                f"a permissions violation on {subject}")

    def _violations(self) -> list[str]:
        return [e for e in self.errors if "permissions violation" in e]


async def connect_as(server: LocalServer, user: str) -> tuple[Client, Seen]:
    seen = Seen()
    connection = await nats.connect(url_of(server, user), inbox_prefix=own_inbox(user),
                                    error_cb=seen.record, max_reconnect_attempts=1)
    return connection, seen


async def ping_until_answered(broker: NatsBroker, service: str, within: float = 30.0) -> Pong:
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        try:
            return await call(broker, f"rpc.{service}.ping", Ping(), Pong, timeout=0.3)
        except RpcFailure:
            await asyncio.sleep(0.1)
    raise AssertionError(f"{service} never answered")
