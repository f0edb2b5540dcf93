"""Fixtures shared by the integration tests: the real services, started in the test's loop,
and a real SMTP server."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
from litestar import Litestar

from services.catalog.bootstrap import SPEC as CATALOG
from services.gateway.app import create_app
from services.gateway.keys import Role
from services.notify.bootstrap import SPEC as NOTIFY
from services.registration.bootstrap import SPEC as REGISTRATION
from services.translate.bootstrap import SPEC as TRANSLATE
from shared.servers import free_port
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.notify_support import Inbox, SmtpServer
from tests.support import new_key, serving

SPECS = (REGISTRATION, CATALOG, NOTIFY, TRANSLATE)


@pytest.fixture
async def running_services(settings: Settings) -> AsyncIterator[dict[str, RunningService]]:
    """All four services, by name. A test may `pop` one and stop it; the rest stop at the end."""
    running: dict[str, RunningService] = {}
    try:
        for spec in SPECS:
            running[spec.name] = await start_service(spec, settings)
        yield running
    finally:
        for service in running.values():
            await service.stop()


@pytest.fixture
def gateway_app(settings: Settings) -> Litestar:
    """The gateway app on the test's settings (its lifespan starts with `gateway_http`)."""
    return create_app(settings)


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
