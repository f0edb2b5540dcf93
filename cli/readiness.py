"""Asking the gateway whether the whole system is ready (`GET /health/ready`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Probe:
    """One answer to `/health/ready`, with what was wrong if it was not ready."""

    ready: bool
    detail: str = ""


def probe(client: httpx.Client, url: str) -> Probe:
    """Ask once; a gateway that does not answer is simply not ready yet."""
    try:
        response = client.get(f"{url}/health/ready")
    except httpx.HTTPError as error:
        return Probe(False, f"the gateway does not answer ({type(error).__name__})")
    if response.status_code == 200:
        return Probe(True)
    detail = f"/health/ready answers {response.status_code}"
    try:
        unavailable = response.json().get("unavailable") or []
    except (ValueError, AttributeError):  # not JSON, or not an object
        unavailable = []
    if unavailable:
        detail += f"; unavailable: {', '.join(map(str, unavailable))}"
    return Probe(False, detail)


def wait_until_ready(url: str, *, timeout: float, keep_waiting: Callable[[], bool],
                     meanwhile: Callable[[], None], interval: float = 0.25) -> Probe:
    """Probe until ready, `timeout` passes or `keep_waiting()` says stop.

    `meanwhile` runs between probes: the supervisor keeps restarting children while it waits.
    """
    deadline = time.monotonic() + timeout
    last = Probe(False, "not asked yet")
    # trust_env=False: a developer's HTTP(S)_PROXY must not intercept a loopback probe.
    with httpx.Client(timeout=3.0, trust_env=False) as client:
        while keep_waiting() and time.monotonic() < deadline:
            meanwhile()
            last = probe(client, url)
            if last.ready:
                return last
            time.sleep(interval)
    return last
