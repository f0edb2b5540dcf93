"""Fixtures of the integration tests: a real SMTP server, the catalog's search side behind the
gateway, and nats-server secured by the deployment's own configuration. The services and the
gateway in front of them are in tests/conftest.py, shared with the security tests."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.servers import LocalServer, free_port, start_nats
from shared.service import RunningService
from shared.settings import Settings
from tests.integration.bus_support import (
    PORTALS,
    USERS,
    config_under_test,
    deployed_password_variables,
)
from tests.integration.notify_support import Inbox, SmtpServer
from tests.support import serving


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
