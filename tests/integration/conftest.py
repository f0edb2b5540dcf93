"""Fixtures shared by the integration tests: the real services, started in the test's loop,
a real SMTP server, the catalog's search side behind the gateway, and nats-server secured by
the deployment's own configuration."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from pymongo import AsyncMongoClient

from services.catalog.bootstrap import SPEC as CATALOG
from services.gateway.app import create_app
from services.gateway.keys import Role
from services.gateway.settings import GatewaySettings
from services.notify.bootstrap import build_spec as notify_spec
from services.notify.settings import SmtpSettings
from services.registration.bootstrap import SPEC as REGISTRATION
from services.translate.bootstrap import SPEC as TRANSLATE
from shared.servers import LocalServer, free_port, start_nats
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.bus_support import (
    PORTALS,
    USERS,
    config_under_test,
    deployed_password_variables,
)
from tests.integration.notify_support import Inbox, SmtpServer
from tests.support import new_key, serving


@pytest.fixture
def smtp_settings() -> SmtpSettings:
    """Notify's mail server; a test that reads mail overrides it with `smtp_settings_for`."""
    return SmtpSettings()


@pytest.fixture
async def running_services(settings: Settings, smtp_settings: SmtpSettings
                           ) -> AsyncIterator[dict[str, RunningService]]:
    """All four services, by name. A test may `pop` one and stop it; the rest stop at the end."""
    running: dict[str, RunningService] = {}
    try:
        for spec in (REGISTRATION, CATALOG, notify_spec(smtp=smtp_settings), TRANSLATE):
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
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on a free port."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the test server's own log
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    yield SmtpServer(port, inbox)
    controller.stop()


@pytest.fixture
async def catalog_db(settings: Settings) -> AsyncIterator[Any]:
    """The catalog's database, to write documents straight into."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.effective_mongo_url())
    yield client[settings.database_name("catalog")]
    await client.close()


@pytest.fixture
def roomy_gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    """The usual gateway settings, with room for many requests from one client."""
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


@pytest.fixture
async def search_http(settings: Settings, roomy_gateway_settings: GatewaySettings,
                      search_side: RunningService) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway in front of the module's `search_side` (each search module starts its own)."""
    async with serving(create_app(settings, roomy_gateway_settings)) as client:
        yield client


@pytest.fixture
def secured_nats(tmp_path: Path) -> Iterator[LocalServer]:
    """nats-server from the deployment's file as it is: the command line sets the address,
    port and storage folder, the environment the passwords, as compose.yaml does."""
    env = {**os.environ, **{f"{user.upper()}_NATS_PASSWORD": f"pw-{user}" for user in USERS},
           **{f"PORTAL_{portal.upper()}_NATS_PASSWORD": f"pw-{portal}" for portal in PORTALS}}
    assert set(deployed_password_variables()) <= set(env), "a user of the file has no password"
    running = start_nats(tmp_path / "nats", config=config_under_test(), env=env)
    yield running
    running.stop()
