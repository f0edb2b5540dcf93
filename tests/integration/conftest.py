"""Fixtures shared by the integration tests: the real services, started in the test's loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.catalog.bootstrap import SPEC as CATALOG
from services.notify.bootstrap import SPEC as NOTIFY
from services.registration.bootstrap import SPEC as REGISTRATION
from services.translate.bootstrap import SPEC as TRANSLATE
from shared.service import RunningService, start_service
from shared.settings import Settings

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
