"""The whole system as real processes, for breaking things on purpose.

`stack(replicas=N, nats_nodes=1, **env)` starts nats-server (or a JetStream cluster of
`nats_nodes` nodes, streams replicated on each) and the MongoDB stand-in (each restartable on the
same port and store), a real SMTP server in this process (aiosmtpd, stoppable and restartable
on its port, counting mails per address), N `python -m services.<name>` processes of every
service and one gateway process. Whatever happens, every process started is killed at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shared.servers import free_port, start_mongo, start_nats
from shared.settings import SERVICES
from tests.faults.nats_cluster import NatsCluster
from tests.faults.stack_support import TOKEN_SECRET, Smtp, Stack, wait_ready


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Callable[..., Stack]]:
    """`stack(replicas=1, nats_nodes=1, **env)`: the whole system as processes; all killed at
    the end."""
    made: list[Stack] = []

    def make(replicas: int = 1, nats_nodes: int = 1, **extra_env: str) -> Stack:
        (tmp_path / "logs").mkdir()
        smtp = Smtp()
        smtp.start()
        nats = (start_nats(tmp_path / "nats") if nats_nodes == 1
                else NatsCluster.start(tmp_path / "nats", nats_nodes))
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
            CONSUMER_MAX_DELIVER="3", STREAM_REPLICAS=str(nats_nodes),
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
