"""Child processes of `dialogues up`: start, log, watch, restart with back-off, stop.

Runs in the supervisor's main thread only: children get PR_SET_PDEATHSIG from the thread that
forks them, and forking from a process without other threads keeps `preexec_fn` safe.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType

from cli.policy import Backoff, RestartTracker, describe_exit
from shared.servers import die_with_parent

log = logging.getLogger("dialogues.up")


def write_pid_file(path: Path, pid: int) -> None:
    """Write atomically, so a reader never sees an empty or half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(f"{pid}\n")
    os.replace(partial, path)


class Child:
    """One supervised process: its command, log file and pid file, and its restart state."""

    def __init__(self, name: str, argv: Sequence[str], env: Mapping[str, str], data_dir: Path,
                 backoff: Backoff, *, niceness: int = 0) -> None:
        self.name, self.argv, self.env = name, list(argv), dict(env)
        self.niceness = niceness
        self.log_path = data_dir / "logs" / f"{name}.log"
        self.pid_path = data_dir / "run" / f"{name}.pid"
        self.tracker = RestartTracker(backoff)
        self.process: subprocess.Popen[bytes] | None = None
        self.restart_at: float | None = None

    @property
    def running(self) -> bool:
        """Whether the process was started and has not been seen to exit."""
        return self.process is not None and self.process.poll() is None

    def spawn(self, now: float) -> None:
        """Start the process, appending its output to its log file."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as output:
            self.process = subprocess.Popen(
                self.argv, env=self.env, stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, preexec_fn=self._prepare,
                # Own process group: a Ctrl-C in the terminal reaches only the supervisor,
                # which then stops everything in order.
                process_group=0,
            )
        write_pid_file(self.pid_path, self.process.pid)
        self.tracker.started(now)
        self.restart_at = None

    def _prepare(self) -> None:
        """preexec_fn: die with the supervisor; run at this child's CPU priority."""
        die_with_parent()
        if self.niceness:
            os.nice(self.niceness)

    def check(self, now: float) -> None:
        """If the process has exited, schedule its restart and say so in one line."""
        if self.process is None or self.restart_at is not None:
            return
        code = self.process.poll()
        if code is None:
            return
        delay = self.tracker.exited(now)
        self.restart_at = now + delay
        self.pid_path.unlink(missing_ok=True)
        log.warning("%s exited with %s; restart %d in %.1f s (log: %s)", self.name,
                    describe_exit(code), self.tracker.restarts, delay, self.log_path)

    def restart_if_due(self, now: float) -> None:
        """Start the process again once its back-off delay has passed."""
        if self.restart_at is not None and now >= self.restart_at:
            self.spawn(now)

    def signal(self, signum: signal.Signals) -> None:
        """Send `signum` if the process still runs; never restart it after this."""
        self.restart_at = None
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def reap(self) -> None:
        """Wait for an exit already caused (SIGKILL), and drop the pid file."""
        if self.process is not None:
            self.process.wait()
        self.pid_path.unlink(missing_ok=True)


class Supervisor:
    """Children in tiers: started first to last, stopped last to first.

    The members of one tier are independent of each other, so they start and stop together.
    """

    def __init__(self) -> None:
        self.tiers: list[list[Child]] = []

    @property
    def children(self) -> list[Child]:
        """Every child, in start order."""
        return [child for tier in self.tiers for child in tier]

    def start(self, tier: Sequence[Child], now: float) -> None:
        """Start a new tier after the ones already running."""
        self.tiers.append(list(tier))
        for child in tier:
            child.spawn(now)

    def tick(self, now: float) -> None:
        """Notice exits and restart children whose back-off has passed; call it often."""
        for child in self.children:
            child.check(now)
            child.restart_if_due(now)

    def stop(self, grace: float, escalate: Callable[[], bool]) -> None:
        """SIGTERM tier by tier, last first; SIGKILL what outlives `grace` or when `escalate()`."""
        for tier in reversed(self.tiers):
            stop_together(tier, grace, escalate)


def stop_together(children: Sequence[Child], grace: float, escalate: Callable[[], bool]) -> None:
    """SIGTERM all of them at once, wait up to `grace` seconds, SIGKILL the rest."""
    for child in children:
        child.signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while any(child.running for child in children):
        if time.monotonic() >= deadline or escalate():
            break
        time.sleep(0.05)
    for child in children:
        if child.running:
            log.warning("%s is still running; killing it", child.name)
            child.signal(signal.SIGKILL)
        child.reap()


class StopRequests:
    """Counts SIGINT/SIGTERM: the first asks for a clean stop, the second for a kill.

    A repeat within `echo_window` seconds of the first is not counted: one Ctrl-C under
    `uv run` arrives twice (the terminal signals the whole foreground group, and uv forwards
    what it gets to its child), and must not skip the clean stop. A person asking again to
    kill takes longer than that.
    """

    def __init__(self, echo_window: float = 1.0, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.count = 0
        self.echo_window, self.clock = echo_window, clock
        self._first_at: float | None = None

    def install(self) -> None:
        """Take over SIGINT and SIGTERM (no KeyboardInterrupt halfway through a start)."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.record()

    def record(self) -> None:
        """One stop signal arrived."""
        now = self.clock()
        if self._first_at is None:
            self._first_at = now
        elif now - self._first_at < self.echo_window:
            return
        self.count += 1

    @property
    def requested(self) -> bool:
        """Whether the supervisor should stop."""
        return self.count >= 1

    @property
    def escalated(self) -> bool:
        """Whether the operator asked twice, so nothing gets a grace period any more."""
        return self.count >= 2
