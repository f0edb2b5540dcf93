"""The one polling helper: it waits for a sync or an async check, returns what the check
found, and says what it was waiting for when time runs out."""

from __future__ import annotations

import pytest

from tests.support import eventually

pytestmark = pytest.mark.unit


async def test_a_sync_check_is_polled_until_it_holds_and_its_value_returned() -> None:
    calls: list[int] = []

    def third_time() -> list[int]:
        calls.append(len(calls))
        return calls if len(calls) == 3 else []

    assert await eventually(third_time, timeout=1, interval=0.001) == [0, 1, 2]


async def test_an_async_check_is_awaited() -> None:
    async def ready() -> str:
        return "ready"

    assert await eventually(ready, timeout=1) == "ready"


async def test_running_out_of_time_names_what_was_awaited() -> None:
    with pytest.raises(AssertionError, match=r"after 0\.05 s for: the mail to ana"):
        await eventually(lambda: False, timeout=0.05, what="the mail to ana", interval=0.01)


async def test_without_a_description_the_check_names_itself() -> None:
    def mail_sent() -> bool:
        return False

    with pytest.raises(AssertionError, match=r"for: .*mail_sent"):
        await eventually(mail_sent, timeout=0.02, interval=0.01)
