"""Translate's fast tier: every scenario runs twice, in memory and on the real servers.

How to add a scenario:
1. Write `async def test_<a sentence>(backend: Backend) -> None` in the `test_*.py` module of
   its use case (intake, drafting, review, schedule, queries, refusals); the module carries
   `pytestmark = pytest.mark.fast`.
2. Drive the service only from outside, as the gateway and the other services do: publish
   events (`backend.publish`, `publish_document`), call RPCs (`backend.call`, `act`, `claim`),
   then assert the replies, the state the RPCs show and the events translate published
   (`backend.events`). Wait for background work with `backend.eventually` (in memory it checks
   once after all work is done; on the servers it polls), never with sleeps.
3. Move time with `backend.clock.advance(...)`: both backends' handlers read that clock.
4. Other settings: `@pytest.mark.parametrize("own", [TranslateSettings(...)], ids=[...])`
   (support.MACHINE drafts with the fake engine on both backends).

`pytest tests/fast/translate -k memory` runs the memory half in about a second.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.translate.settings import TranslateSettings
from shared.settings import Settings
from tests.fast.translate.backends import memory_backend, real_backend
from tests.fast.translate.support import Backend
from tests.support.clock import MovableClock


@pytest.fixture
def own() -> TranslateSettings:
    """The service's settings: the defaults (human translation only, four-eyes review)."""
    return TranslateSettings()


@pytest.fixture(params=["memory", "real"])
async def backend(request: pytest.FixtureRequest, own: TranslateSettings
                  ) -> AsyncIterator[Backend]:
    """The translate service, in memory or on the suite's nats-server and MongoDB."""
    clock = MovableClock()
    if request.param == "memory":
        async with memory_backend(own, clock) as memory:
            yield memory
    else:
        settings: Settings = request.getfixturevalue("settings")  # servers only when real
        async with real_backend(settings, own, clock) as real:
            yield real
