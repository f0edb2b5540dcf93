"""`dialogues up` as an operator runs it: ready, heals a killed service, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from shared.settings import SERVICES

pytestmark = pytest.mark.e2e

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
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:g} s; supervisor said:\n{up.output()}")
        time.sleep(interval)


@pytest.fixture
def up(tmp_path: Path) -> Iterator[Up]:
    env = {name: value for name, value in os.environ.items()
           if name not in {"NATS_URL", "MONGO_URL", "SMTP_HOST", "GATEWAY_PORT", "DATA_DIR"}}
    # Output to files, not pipes: nothing to drain, and the test reads them as it likes.
    with (tmp_path / "stdout").open("wb") as out, (tmp_path / "stderr").open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "up", "--port", "0",
             "--data-dir", str(tmp_path / "data")],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            start_new_session=True,  # a group of its own, to kill in one go
        )
    running = Up(process, tmp_path / "data", tmp_path / "stdout", tmp_path / "stderr")
    try:
        yield running
    finally:
        # Whatever happened, leave nothing behind: the supervisor first, so it restarts
        # nothing, then every process it was seen to run.
        if running.process.poll() is None:
            os.killpg(running.process.pid, signal.SIGKILL)
        running.process.wait()
        for pid in running.seen | set(running.pids().values()):
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


def gateway_url(up: Up) -> str:
    found: list[str] = []

    def printed() -> bool:
        if up.process.poll() is not None:
            pytest.fail(f"dialogues up exited with {up.process.returncode}:\n{up.output()}")
        found.extend(URL_LINE.findall(up.stdout.read_text()))
        return bool(found)

    # Longer than the supervisor's own 60 s, so a failure shows its reason, not ours.
    wait_for("dialogues up did not print its URL", printed, 70, up, interval=0.2)
    return found[0]


def first_unready(client: httpx.Client, up: Up, timeout: float = 5.0) -> httpx.Response:
    """Ask as fast as we can: the supervisor restarts a killed service within a few seconds."""
    deadline = time.monotonic() + timeout
    while (response := client.get("/health/ready")).status_code == 200:
        if time.monotonic() > deadline:
            pytest.fail(f"still ready {timeout:g} s after a kill:\n{up.output()}")
    return response


def dialogues(up: Up, *args: str) -> subprocess.CompletedProcess[str]:
    """Another `dialogues` command on the same data folder, with no server URLs in its env."""
    env = {name: value for name, value in os.environ.items()
           if name not in {"NATS_URL", "MONGO_URL", "DATA_DIR"}}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, text=True,
                          env={**env, "DATA_DIR": str(up.data_dir)}, capture_output=True,
                          timeout=30, check=True)


def check_keys_made_beside_a_running_up(client: httpx.Client, up: Up) -> None:
    """`dialogues keys create` finds the servers `up` started; the key works by role."""
    key = dialogues(up, "keys", "create", "--role", "secretariat", "--name", "INGP").stdout.strip()
    assert key.startswith("dlg_")
    assert client.get("/v1/keys").status_code == 401
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json()["role"] == "secretariat"
    wrong_role = client.get("/v1/keys", headers={"X-API-Key": key})
    assert wrong_role.status_code == 403
    assert wrong_role.headers["content-type"].startswith("application/problem+json")


def test_up_serves_heals_and_stops_cleanly(up: Up) -> None:
    url = gateway_url(up)
    client = httpx.Client(base_url=url, timeout=5.0, trust_env=False)

    ready = client.get("/health/ready")
    assert ready.status_code == 200, ready.text
    assert set(SERVICES) <= set(ready.json()["services"])

    check_keys_made_beside_a_running_up(client, up)

    victim = up.pids()["notify"]
    os.kill(victim, signal.SIGKILL)
    down = first_unready(client, up)
    assert down.status_code == 503, down.text
    assert down.headers["content-type"].startswith("application/problem+json")
    assert "notify" in down.json()["unavailable"]

    def restarted() -> bool:
        pid = up.pids().get("notify")
        return pid not in (None, victim) and client.get("/health/ready").status_code == 200

    wait_for("notify was not restarted and ready", restarted, 20, up, interval=0.2)
    assert re.search(r"notify exited with signal 9 \(SIGKILL\); restart 1 in [\d.]+ s",
                     up.stderr.read_text())

    ran = set(up.seen)
    up.process.send_signal(signal.SIGINT)
    assert up.process.wait(timeout=20) == 0, up.output()
    assert {pid for pid in ran if pid_alive(pid)} == set()
    assert not list((up.data_dir / "run").glob("*.pid"))
    assert not (up.data_dir / "run" / "endpoints.json").exists()
