"""`dialogues up` for benchmarks: the whole system as an operator runs it, on a free port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared.servers import free_port
from shared.settings import SERVICES, Settings

ROOT = Path(__file__).resolve().parents[1]


def default_environment() -> dict[str, str]:
    """This environment without any setting of ours, so that every one is at its default."""
    names = {name.upper() for name in Settings.model_fields}
    prefixes = tuple(f"{process.upper()}_" for process in (*SERVICES, "gateway"))
    return {k: v for k, v in os.environ.items() if k not in names and not k.startswith(prefixes)}


@contextmanager
def running_system(folder: Path, settings: dict[str, str], *, links_to_itself: bool = False,
                   ready_seconds: float = 60.0) -> Iterator[tuple[str, dict[str, str]]]:
    """`dialogues up` at default settings but `settings`; yields (URL, env for `dialogues`).

    `links_to_itself`: PUBLIC_BASE_URL is its own address (mailed links open its pages).
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = default_environment()
    env.update(settings, DATA_DIR=str(folder / "data"))
    if links_to_itself:
        env["PUBLIC_BASE_URL"] = base
    log = (folder / "up.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "up", "--port", str(port),
         "--ready-seconds", str(ready_seconds)], cwd=ROOT, env=env,
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + ready_seconds + 30
        while b"dialogues is up" not in (folder / "up.log").read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "up.log").read_text()[-3000:])
            time.sleep(0.2)
        yield base, env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
