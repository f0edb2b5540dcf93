"""`dialogues up` as an operator runs it: ready, heals a killed service, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable

import httpx
import pytest

from shared.settings import SERVICES
from tests.support.up import Up, dialogues, gateway_url, pid_alive, wait_for

pytestmark = pytest.mark.e2e

def first_unready(client: httpx.Client, up: Up, timeout: float = 5.0) -> httpx.Response:
    """Ask as fast as we can: the supervisor restarts a killed service within a few seconds."""
    deadline = time.monotonic() + timeout
    while (response := client.get("/health/ready")).status_code == 200:
        if time.monotonic() > deadline:
            pytest.fail(f"still ready {timeout:g} s after a kill:\n{up.output()}")
    return response


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


def check_mail_yields_to_people(up: Up) -> None:
    """notify (mail) runs at a lower CPU priority than the request path, restarted or not."""
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    pids = up.pids()
    assert os.getpriority(os.PRIO_PROCESS, pids["notify"]) == min(19, ours + 10)
    for name in ("registration", "catalog", "translate", "gateway"):
        assert os.getpriority(os.PRIO_PROCESS, pids[name]) == ours, name


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
    check_mail_yields_to_people(up)
    assert re.search(r"notify exited with signal 9 \(SIGKILL\); restart 1 in [\d.]+ s",
                     up.stderr.read_text())

    ran = set(up.seen)
    up.process.send_signal(signal.SIGINT)
    assert up.process.wait(timeout=20) == 0, up.output()
    assert {pid for pid in ran if pid_alive(pid)} == set()
    assert not list((up.data_dir / "run").glob("*.pid"))
    assert not (up.data_dir / "run" / "endpoints.json").exists()


def test_up_stops_at_a_bad_mail_setting_before_starting_any_server(
        start_up: Callable[..., Up]) -> None:
    up = start_up(SMTP_PORT="twenty-five", SMTP_PASSWORD="hunter2-the-smtp-password")
    assert up.process.wait(timeout=60) != 0, up.output()
    said = up.output()
    assert "notify: the configuration is not valid:" in said and "SMTP_PORT" in said, said
    assert "hunter2-the-smtp-password" not in said and "twenty-five" not in said
    assert "Traceback" not in said
    assert not list((up.data_dir / "logs").glob("*.log"))  # no server, no service was started
