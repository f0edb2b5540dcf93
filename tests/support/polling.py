"""Waiting for something that happens in the background: one polling helper for every test."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(check: Callable[[], T | Awaitable[T]], timeout: float,
                     what: str | None = None, *, interval: float = 0.05) -> T:
    """Call `check` (sync or async) until it returns something truthy, and return that.

    Fails once `timeout` seconds have passed, naming what was awaited: `what`, or else the
    name of `check`.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]  # awaited above when it was awaitable
        awaited = what or getattr(check, "__qualname__", repr(check))
        assert loop.time() < deadline, f"still waiting after {timeout:g} s for: {awaited}"
        await asyncio.sleep(interval)
