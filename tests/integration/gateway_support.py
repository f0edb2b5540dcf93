"""Helpers of the gateway tests: the rate-limit window, a gateway process that starts listening."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from pathlib import Path

import httpx


def wait_clear_of_window_end(window: float = 60.0, margin: float = 5.0) -> None:
    """Windows are aligned on the wall clock; stay inside one for the whole test."""
    if (left := window - time.time() % window) < margin:
        time.sleep(left + 0.01)


async def listening_url(log_path: Path, process: subprocess.Popen[bytes]) -> str:
    """The URL the gateway process logs once it listens. Up to a minute: a new interpreter
    imports the whole app first, seconds on a quiet machine, many more on a busy one."""
    for _ in range(1200):
        text = await asyncio.to_thread(log_path.read_text)
        for line in text.splitlines():
            if '"gateway listening"' in line:
                return str(json.loads(line)["url"])
        assert process.poll() is None, text
        await asyncio.sleep(0.05)
    raise AssertionError("the gateway never said where it listens")


async def retry_until_answered(http: httpx.AsyncClient, path: str) -> httpx.Response:
    for _ in range(100):
        try:
            return await http.get(path)
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"nothing answered on {path}")
