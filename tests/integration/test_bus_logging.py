"""FastStream's line per message ("Received", "Processed") is written only when LOG_LEVEL is
DEBUG; a failing handler is logged at ERROR whatever the level."""

from __future__ import annotations

import asyncio
import logging

import pytest

from shared.broker import make_broker
from shared.settings import Settings

pytestmark = pytest.mark.integration


async def lines_for_one_message(settings: Settings, caplog: pytest.LogCaptureFixture,
                                fail: bool = False) -> list[logging.LogRecord]:
    broker = make_broker(settings, client_name="logtest")
    handled = asyncio.Event()

    @broker.subscriber("logtest.thing")
    async def handle(body: dict[str, int]) -> None:
        handled.set()
        if fail:
            raise ValueError("refused")

    caplog.set_level(logging.DEBUG)
    await broker.start()
    try:
        await broker.publish({"n": 1}, "logtest.thing")
        await asyncio.wait_for(handled.wait(), 5)
        await asyncio.sleep(0.2)
    finally:
        await broker.stop()
    return [r for r in caplog.records if r.name == "faststream.logtest"]


async def test_no_line_per_message_at_info(settings: Settings,
                                           caplog: pytest.LogCaptureFixture) -> None:
    records = await lines_for_one_message(settings.model_copy(update={"log_level": "INFO"}),
                                          caplog)
    assert [r.getMessage() for r in records if r.getMessage() in ("Received", "Processed")] == []


async def test_a_line_per_message_at_debug(settings: Settings,
                                           caplog: pytest.LogCaptureFixture) -> None:
    records = await lines_for_one_message(settings.model_copy(update={"log_level": "DEBUG"}),
                                          caplog)
    assert {"Received", "Processed"} <= {r.getMessage() for r in records}


async def test_a_failing_handler_is_logged_at_error_at_info(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    records = await lines_for_one_message(settings.model_copy(update={"log_level": "INFO"}),
                                          caplog, fail=True)
    assert [r.getMessage() for r in records if r.levelno == logging.ERROR] == [
        "ValueError: refused"]
