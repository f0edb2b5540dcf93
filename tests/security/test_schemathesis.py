"""Schemathesis against the gateway's own OpenAPI document, every service running behind it.

Every check (`--checks all`: no 5xx, declared statuses, content types, headers and bodies,
valid requests accepted and invalid ones refused, `Allow` on `OPTIONS` and 405, auth
enforced, ...) and every phase: the documented examples, coverage of each constraint's edges,
random fuzzing, and stateful sequences that follow the document's links (a created draft's id
into the routes that use it). Requests carry an admin key through Schemathesis' own auth
configuration (`schemathesis.toml` here), so it also probes each keyed route without it.

Small in CI (FUZZ_EXAMPLES cases per operation, 3 by default); before a release run it
longer, e.g. `FUZZ_EXAMPLES=25 pytest tests/security/test_schemathesis.py` (README, tests).
The CLI runs as a subprocess (its own threads and event loop) while this loop serves the
gateway and the services.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.service import RunningService
from shared.settings import Settings
from tests.security.server_support import listening
from tests.support import new_key

pytestmark = pytest.mark.security

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
"""Cases per operation and phase; 3 takes about a minute here, 25 about ten."""
ONLY = os.environ.get("FUZZ_PATHS", "")
"""A regular expression of the paths to run (all when empty), for a quick look at a few."""
CONFIG = Path(__file__).with_name("schemathesis.toml")
PHASES = "examples,coverage,fuzzing,stateful"


def schemathesis_command(base_url: str, report_dir: Path) -> list[str]:
    """The CLI run: every check, every phase, failures written out in full."""
    cli = Path(sys.executable).with_name("schemathesis")
    return [str(cli), "--config-file", str(CONFIG), "--no-color", "run",
            f"{base_url}/schema/openapi.json", "--checks", "all", "--phases", PHASES,
            "--max-examples", str(EXAMPLES), "--workers", "2", "--request-timeout", "10",
            "--generation-database", "none", "--report", "junit",
            "--report-dir", str(report_dir),
            *(["--include-path-regex", ONLY] if ONLY else [])]


def failures_of(output: str) -> str:
    """The part of the CLI's output that names each failure and how to reproduce it."""
    start = output.find("= FAILURES =")
    return output[output.rfind("\n", 0, start) + 1:] if start >= 0 else output[-8000:]


@pytest.mark.timeout(900)
async def test_every_operation_conforms_to_the_schema(
    settings: Settings, gateway_settings: GatewaySettings,
    running_services: dict[str, RunningService], tmp_path: Path,
) -> None:
    # Enough public requests for the fuzzing not to be rate limited (429 is tested elsewhere),
    # and time for the services, which share this process with the gateway and two workers'
    # requests on a busy machine, to answer a large body (a 503 there is load, not contract).
    app = create_app(settings, gateway_settings.model_copy(
        update={"public_rate_limit": 1_000_000, "rpc_timeout": 8.0}))
    async with listening(app) as base_url:
        admin = await new_key(app, "admin")
        process = await asyncio.create_subprocess_exec(
            *schemathesis_command(base_url, tmp_path), cwd=tmp_path,
            env={**os.environ, "FUZZ_API_KEY": admin},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await process.communicate()
    text = output.decode(errors="replace")
    assert process.returncode == 0, failures_of(text)
    assert " passed" in text, text[-4000:]  # it ran, and tested something
