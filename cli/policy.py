"""The supervisor's decisions, kept apart from processes so they can be tested without any.

Nothing here reads a clock or starts a process: times come in as arguments.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104


@dataclass(frozen=True)
class Backoff:
    """Delay before restart number `attempt` (0-based): `initial * factor**attempt`, capped."""

    initial: float = 0.5
    factor: float = 2.0
    cap: float = 10.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before the restart that follows `attempt` earlier quick failures."""
        # Bound the exponent: a child failing all night must not overflow a float.
        return min(self.cap, self.initial * self.factor ** min(attempt, 64))


@dataclass
class RestartTracker:
    """Back-off bookkeeping for one child.

    A child that stayed up for `stable_after` seconds counts as healthy again, so its next crash
    is restarted quickly; a child that keeps crashing waits longer each time, up to the cap.
    """

    backoff: Backoff
    stable_after: float = 30.0
    failures: int = 0
    restarts: int = 0
    started_at: float | None = None

    def started(self, now: float) -> None:
        """Record that the child was (re)started at `now`."""
        self.started_at = now

    def exited(self, now: float) -> float:
        """Record an exit at `now`; return the seconds to wait before starting it again."""
        if self.started_at is not None and now - self.started_at >= self.stable_after:
            self.failures = 0
        delay = self.backoff.delay(self.failures)
        self.failures += 1
        self.restarts += 1
        self.started_at = None
        return delay


def instance_names(name: str, replicas: int) -> list[str]:
    """`name` alone for one process, `name-1` ... `name-N` for several.

    These names label the log and pid files, so one replica keeps the plain name operators expect.
    """
    if replicas < 1:
        raise ValueError("replicas must be at least 1")
    if replicas == 1:
        return [name]
    return [f"{name}-{index}" for index in range(1, replicas + 1)]


def describe_exit(returncode: int) -> str:
    """`exit code 3`, or `signal 9 (SIGKILL)` for a child killed by a signal."""
    if returncode >= 0:
        return f"exit code {returncode}"
    try:
        label = signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"
    return f"signal {-returncode} ({label})"


def loopback_for(host: str) -> str:
    """The address to reach a server listening on `host`: a wildcard address means loopback."""
    return WILDCARD_HOSTS.get(host, host)


def local_url(host: str, port: int) -> str:
    """`http://host:port` for a server listening on `host`, IPv6 addresses in brackets."""
    host = loopback_for(host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
