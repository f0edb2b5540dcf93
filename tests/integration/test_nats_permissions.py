"""deploy/nats.conf for real: each service may use its own subjects and nothing else."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client

from services.registration.bootstrap import SPEC as REGISTRATION
from shared.bus import call, make_broker
from shared.contracts.rpc import Ping, Pong
from shared.servers import LocalServer, start_nats
from shared.service import start_service
from shared.settings import Settings

pytestmark = pytest.mark.integration

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nats.conf"
USERS = ("registration", "catalog", "translate", "notify", "gateway", "integration")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    # The deployment's file as it is; the command line overrides its port and storage.
    env = {**os.environ, **{f"{user.upper()}_NATS_PASSWORD": f"pw-{user}" for user in USERS}}
    running = start_nats(tmp_path / "nats", config=CONFIG, env=env)
    yield running
    running.stop()


def url(server: LocalServer, user: str) -> str:
    return f"nats://{user}:pw-{user}@127.0.0.1:{server.port}"


class Violations:
    """Collects the permission errors the server reports asynchronously."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def record(self, error: Exception) -> None:
        self.seen.append(str(error))

    async def after(self, connection: Client) -> list[str]:
        await connection.flush()
        await asyncio.sleep(0.2)
        return [text for text in self.seen if "permissions violation" in text.lower()]


@pytest.fixture
async def as_registration(server: LocalServer) -> AsyncIterator[tuple[Client, Violations]]:
    violations = Violations()
    connection = await nats.connect(url(server, "registration"), error_cb=violations.record,
                                    max_reconnect_attempts=1)
    yield connection, violations
    await connection.close()


async def test_a_service_publishes_its_own_subjects_only(
    as_registration: tuple[Client, Violations]
) -> None:
    connection, violations = as_registration
    await connection.publish("registration.session.published.v1", b"{}")
    assert await violations.after(connection) == []
    await connection.publish("catalog.document.published.v1", b"{}")
    [violation] = await violations.after(connection)
    assert "catalog.document.published.v1" in violation


async def test_a_service_cannot_delete_streams(
    mongo_url: str, server: LocalServer, as_registration: tuple[Client, Violations]
) -> None:
    settings = Settings(nats_url=url(server, "registration"), mongo_url=mongo_url,
                        db_prefix="perm")
    service = await start_service(REGISTRATION, settings)  # declares its streams as itself
    try:
        connection, violations = as_registration
        with pytest.raises((nats.errors.Error, TimeoutError)):
            await connection.jetstream(timeout=1).delete_stream("REGISTRATION")
        # nats-py reports the refused subject in lower case.
        assert any("$js.api.stream.delete.registration" in v.lower()
                   for v in await violations.after(connection))
        assert (await connection.jetstream().stream_info("REGISTRATION")).config.name
    finally:
        await service.stop()


async def test_services_work_under_their_own_users(mongo_url: str, server: LocalServer) -> None:
    """A service declares its streams and answers RPC; the gateway's user can only ask."""
    settings = Settings(nats_url=url(server, "registration"), mongo_url=mongo_url,
                        db_prefix="perm2")
    service = await start_service(REGISTRATION, settings)
    gateway = make_broker(Settings(nats_url=url(server, "gateway")), client_name="gw")
    await gateway.connect()
    try:
        pong = await call(gateway, "rpc.registration.ping", Ping(), Pong, timeout=2)
        assert pong.service == "registration" and pong.database
    finally:
        await gateway.stop()
        await service.stop()


async def test_an_integration_may_only_ingest(server: LocalServer) -> None:
    violations = Violations()
    connection = await nats.connect(url(server, "integration"), error_cb=violations.record,
                                    max_reconnect_attempts=1)
    await connection.publish("ingest.catalog.document.v1", b"{}")
    assert await violations.after(connection) == []
    await connection.publish("registration.participant.confirmed.v1", b"{}")
    assert len(await violations.after(connection)) == 1
    await connection.close()
