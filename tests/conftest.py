"""Servers for the tests, found in this order: NATS_URL / MONGO_URL if set, Docker through
testcontainers if an engine answers, else the local binaries from the project's packages.

Isolation: every test gets its own databases (a unique DB_PREFIX) and, unless NATS_URL points
at a shared server, its own fresh NATS server; on a shared one, the project's streams are
deleted before each test.

The fixtures of several test folders live here too: the services in the test's loop and the
gateway in front of them (integration, security), and `dialogues up` (e2e, security).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from faststream.nats import NatsBroker
from litestar import Litestar
from nats.js.errors import NotFoundError

from services.catalog.bootstrap import SPEC as CATALOG
from services.gateway.app import create_app
from services.gateway.keys import Role
from services.gateway.settings import GatewaySettings
from services.notify.bootstrap import build_spec as notify_spec
from services.notify.settings import SmtpSettings
from services.numbers.bootstrap import SPEC as NUMBERS
from services.registration.bootstrap import SPEC as REGISTRATION
from services.translate.bootstrap import SPEC as TRANSLATE
from shared.servers import LocalServer, start_mongo, start_nats
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.support import new_key, serving
from tests.support.quiet import Servers, Settled, quiet
from tests.support.up import Up, kill_up, start_up_in


@pytest.hookimpl(optionalhook=True)  # known only where xdist is loaded (not with -p no:xdist)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Where the test command runs files on two workers (`--dist loadgroup`): each test file
    is one unit of work, so its module-scoped stack starts once, and every browser test is
    one, so the package's `dialogues up` and Chromium start once, not each time a worker comes
    back to the package between other files.

    A scheduler of our own, not xdist's `xdist_group` marks: xdist 3.8 groups by renaming
    each item's `_nodeid`, which pytest 9.2 no longer reads (its node id is `_id`), so marked
    tests were spread over both workers as if unmarked."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class FilesAndBrowser(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::")[0]
            return "tests/browser" if path.startswith("tests/browser/") else path

    return FilesAndBrowser(config, log)


def docker_answers() -> bool:
    """Whether a Docker engine answers within two seconds."""
    try:
        from testcontainers.core.docker_client import DockerClient

        DockerClient(timeout=2).client.ping()  # type: ignore[call-arg]
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def use_docker() -> bool:
    return os.environ.get("DIALOGUES_TEST_DOCKER", "auto") != "never" and docker_answers()


@pytest.fixture(scope="session")
def mongo_url(tmp_path_factory: pytest.TempPathFactory, use_docker: bool) -> Iterator[str]:
    """One MongoDB server for the session; tests isolate by database name."""
    if url := os.environ.get("MONGO_URL"):
        yield url
    elif use_docker:
        from testcontainers.community.mongodb import MongoDbContainer

        with MongoDbContainer("mongo:7.0") as container:
            yield container.get_connection_url()
    else:
        server = start_mongo(tmp_path_factory.mktemp("mongo"))
        yield server.url
        server.stop()


@pytest.fixture
def nats_url(tmp_path: Path, use_docker: bool) -> Iterator[str]:
    """A NATS server with JetStream and no streams from earlier tests."""
    if url := os.environ.get("NATS_URL"):
        asyncio.run(_delete_project_streams(url))
        yield url
    elif use_docker:
        from testcontainers.community.nats import NatsContainer

        with NatsContainer("nats:2.12").with_command("-js") as container:
            yield container.nats_uri()
    else:
        server: LocalServer = start_nats(tmp_path / "nats")
        yield server.url
        server.stop()


async def _delete_project_streams(url: str) -> None:
    connection = await nats.connect(url, max_reconnect_attempts=2, connect_timeout=2)
    js = connection.jetstream()
    for name in ("REGISTRATION", "CATALOG", "NOTIFY", "TRANSLATE", "NUMBERS", "INGEST", "DLQ"):
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(name)
    await connection.close()


@pytest.fixture
def settings(nats_url: str, mongo_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test's servers, with databases no other test uses."""
    return Settings(
        nats_url=nats_url, mongo_url=mongo_url, data_dir=tmp_path / "data",
        db_prefix=f"t{uuid.uuid4().hex[:12]}",
    )


@pytest.fixture
def gateway_settings() -> GatewaySettings:
    """The gateway's own settings for a test: the defaults, with the usual RPC timeout."""
    return GatewaySettings(rpc_timeout=2.0)


@pytest.fixture
async def bus_client(settings: Settings) -> AsyncIterator[NatsBroker]:
    """A connected broker for a test to publish and call with."""
    from shared.bus import make_broker

    broker = make_broker(settings, client_name="test-client")
    await broker.connect()
    yield broker
    await broker.stop()


@pytest.fixture
def settled(settings: Settings) -> Settled:
    """`await settled()`: return once the services on the test's servers have nothing left to
    do (tests/support/quiet.py); the barrier before asserting that nothing more happened."""
    servers = Servers.of(settings)

    async def barrier(timeout: float = 15.0) -> None:
        await quiet(servers, timeout=timeout)

    return barrier


@pytest.fixture
def smtp_settings() -> SmtpSettings:
    """Notify's mail server; a test that reads mail overrides it with `smtp_settings_for`."""
    return SmtpSettings()


@pytest.fixture
async def running_services(settings: Settings, smtp_settings: SmtpSettings
                           ) -> AsyncIterator[dict[str, RunningService]]:
    """All five services, by name. A test may `pop` one and stop it; the rest stop at the end."""
    running: dict[str, RunningService] = {}
    try:
        for spec in (REGISTRATION, CATALOG, notify_spec(smtp=smtp_settings), TRANSLATE, NUMBERS):
            running[spec.name] = await start_service(spec, settings)
        yield running
    finally:
        for service in running.values():
            await service.stop()


@pytest.fixture
def gateway_app(settings: Settings, gateway_settings: GatewaySettings) -> Litestar:
    """The gateway app on the test's settings (its lifespan starts with `gateway_http`)."""
    return create_app(settings, gateway_settings)


@pytest.fixture
async def gateway_http(
    gateway_app: Litestar, running_services: dict[str, RunningService]
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to the gateway, with every service running behind it."""
    async with serving(gateway_app) as client:
        yield client


@pytest.fixture
def make_key(gateway_app: Litestar) -> Callable[[Role], Awaitable[str]]:
    """`await make_key("secretariat")`: a fresh API key of that role (needs `gateway_http`)."""
    return lambda role: new_key(gateway_app, role)


@pytest.fixture
def start_up(tmp_path: Path) -> Iterator[Callable[..., Up]]:
    """`start_up(**env)`: run `dialogues up` as an operator would, with extra environment.

    Whatever happens, nothing is left behind (tests/support/up.py `kill_up`).
    """
    started: list[Up] = []

    def start(**extra_env: str) -> Up:
        running = start_up_in(tmp_path, **extra_env)
        started.append(running)
        return running

    yield start
    for running in started:
        kill_up(running)
