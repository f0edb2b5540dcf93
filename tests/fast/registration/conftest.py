"""The registration scenarios, each run twice: `memory` (in milliseconds) and `real`.

How to add a scenario
---------------------
1. In a `test_*.py` module here (marked `pytestmark = pytest.mark.fast`), write
   `async def test_<what_happens_as_a_sentence>(backend: Backend) -> None:`.
2. Drive the service only as its callers do: `backend.call("<action>", Request(...), Reply)`
   for `rpc.registration.<action>`, `backend.publish_ingest(event)` for what other systems
   send. Build sessions and forms with the helpers in `support.py` (`open_session`,
   `form`, `register`); move time with `backend.clock.advance(...)` and run the sweeper at
   that time with `backend.sweep()`.
3. Assert a real outcome of the rule: the reply (or the `RpcFailure` code of a refusal, see
   `support.refused`), the state as the service lists it, and what it announced:
   `await backend.events("registration.participant.confirmed", expected=2)`.
4. Nothing else: the `backend` fixture runs it on both backends. Run the fast half alone with
   `pytest tests/fast/registration -k memory` (a second or two for all of them).

If a scenario needs a store method the handlers did not use before, add it to
`services/registration/handlers/storage.py` (mypy then holds `store.Store` to it) and to
`memory_store.py` / `memory_sessions.py`, with the same guard as the MongoDB query.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.settings import Settings
from tests.fast.registration.backends import Backend, memory_backend, real_backend
from tests.support.clock import MovableClock


@pytest.fixture
def clock() -> MovableClock:
    """The service's time: now, to the whole second (as sessions are scheduled)."""
    return MovableClock()


@pytest.fixture(params=["memory", "real"])
async def backend(request: pytest.FixtureRequest, clock: MovableClock,
                  tmp_path: Path) -> AsyncIterator[Backend]:
    """The service on one backend; `real` starts its servers only when asked for."""
    if request.param == "memory":
        settings = Settings(nats_url="nats://127.0.0.1:9", mongo_url="mongodb://127.0.0.1:9",
                            data_dir=tmp_path / "data", db_prefix=f"t{uuid.uuid4().hex[:12]}")
        async with memory_backend(settings, clock) as running:
            yield running
    else:
        settings = request.getfixturevalue("settings")
        async with real_backend(settings, clock) as running:
            yield running
