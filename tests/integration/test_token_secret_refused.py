"""A process deployed anywhere but `local` with the development TOKEN_SECRET does not start:
it exits non-zero at once and says why, before touching NATS or MongoDB."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from services.gateway.context import SERVICE as GATEWAY
from shared.settings import DEVELOPMENT_TOKEN_SECRET, SERVICES

pytestmark = pytest.mark.integration


# Services all start through shared.service.run_service; the gateway has its own main.
@pytest.mark.parametrize("process", [SERVICES[0], GATEWAY])
def test_a_process_refuses_the_development_secret_in_production(process: str) -> None:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("TOKEN_SECRET", f"{process.upper()}_TOKEN_SECRET"))}
    # Nothing listens there: a process that went on would retry instead of exiting.
    env.update(DEPLOYMENT_ENVIRONMENT="production", NATS_URL="nats://127.0.0.1:9",
               MONGO_URL="mongodb://127.0.0.1:9/?directConnection=true")
    finished = subprocess.run([sys.executable, "-m", f"services.{process}"], env=env,
                              capture_output=True, text=True, timeout=30)
    assert finished.returncode != 0
    assert "TOKEN_SECRET must be a random value of at least 32 characters" in finished.stderr
    assert "'production'" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert DEVELOPMENT_TOKEN_SECRET not in finished.stderr
