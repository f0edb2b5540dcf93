"""The whole system as an operator runs it: `dialogues up` in a data folder of its own, and other
`dialogues` commands beside it. The `start_up` fixture (tests/conftest.py) starts it; the e2e,
security and browser tests drive it with these."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL_LINE = re.compile(r"dialogues is up: (http://\S+)")


@dataclass
class Up:
    """A running `dialogues up` and every pid it was seen to run."""

    process: subprocess.Popen[bytes]
    data_dir: Path
    stdout: Path
    stderr: Path
    seen: set[int] = field(default_factory=set)

    def pids(self) -> dict[str, int]:
        """The pid files of this moment, by name; remembered for the final check."""
        found = {}
        for path in (self.data_dir / "run").glob("*.pid"):
            try:
                found[path.stem] = int(path.read_text())
            except (OSError, ValueError):  # replaced or removed while we looked
                continue
        self.seen.update(pid for name, pid in found.items() if name != "supervisor")
        return found

    def output(self) -> str:
        """What the supervisor printed, and the end of each child's log, for failure messages."""
        text = self.stdout.read_text() + self.stderr.read_text()
        for log in sorted((self.data_dir / "logs").glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-5:]
            text += f"\n--- {log.name} ---\n" + "\n".join(tail)
        return text


def pid_alive(pid: int) -> bool:
    """Alive and not a zombie: a reaped-late child must not count as left behind."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_for(what: str, check: Callable[[], bool], timeout: float, up: Up,
             interval: float = 0.05) -> None:
    """Poll `check` (synchronous tests); on a timeout, fail with what the supervisor said."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:g} s; supervisor said:\n{up.output()}")
        time.sleep(interval)


NOT_INHERITED = {"NATS_URL", "MONGO_URL", "SMTP_HOST", "GATEWAY_PORT", "GATEWAY_HOST",
                 "DATA_DIR", "PUBLIC_BASE_URL"}
"""What `up` must choose itself, whatever the test runner's environment says."""


READY_SECONDS = 150
"""How long a test's `dialogues up` waits for its services: two test workers may start whole
stacks at once on two cores, which took over a minute on a loaded machine."""


def start_up_in(root: Path, *, port: int = 0, **extra_env: str) -> Up:
    """Run `dialogues up --port PORT` in `root` as an operator would, with extra environment
    (port 0: any free port)."""
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env.update(extra_env)
    # Output to files, not pipes: nothing to drain, and the test reads them as it likes.
    with (root / "stdout").open("wb") as out, (root / "stderr").open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "up", "--port", str(port),
             "--data-dir", str(root / "data"), "--ready-seconds", str(READY_SECONDS)],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            start_new_session=True,  # a group of its own, to kill in one go
        )
    return Up(process, root / "data", root / "stdout", root / "stderr")


def kill_up(running: Up) -> None:
    """Leave nothing behind: the supervisor is killed first, so it restarts nothing, then
    every process it was seen to run."""
    if running.process.poll() is None:
        os.killpg(running.process.pid, signal.SIGKILL)
    running.process.wait()
    _kill_leftovers(running)


def stop_up(running: Up) -> None:
    """Stop `up` as an operator would (SIGTERM, 20 s to finish), then leave nothing behind,
    even servers in process groups of their own."""
    running.pids()
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGTERM)
        try:
            running.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(running.process.pid, signal.SIGKILL)
            running.process.wait()
    _kill_leftovers(running)


def _kill_leftovers(running: Up) -> None:
    for pid in running.seen | set(running.pids().values()):
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)


def gateway_url(up: Up) -> str:
    """The address `dialogues up` printed once it was up; fails if it exits first."""
    found: list[str] = []

    def printed() -> bool:
        if up.process.poll() is not None:
            pytest.fail(f"dialogues up exited with {up.process.returncode}:\n{up.output()}")
        found.extend(URL_LINE.findall(up.stdout.read_text()))
        return bool(found)

    # Longer than the supervisor's own wait, so a failure shows its reason, not ours.
    wait_for("dialogues up did not print its URL", printed, READY_SECONDS + 10, up,
             interval=0.2)
    return found[0]


def dialogues(up: Up, *args: str) -> subprocess.CompletedProcess[str]:
    """Another `dialogues` command on the same data folder, with no server URLs in its env."""
    env = {name: value for name, value in os.environ.items()
           if name not in {"NATS_URL", "MONGO_URL", "DATA_DIR"}}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, text=True,
                          env={**env, "DATA_DIR": str(up.data_dir)}, capture_output=True,
                          timeout=30, check=True)
