"""Without chromium on PATH the browser tests are reported as skipped, with the reason:
never silently deselected, and without starting anything."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
REASON = "Chromium not found on PATH; .ci/run installs Debian's chromium with apt-get"


def test_browser_tests_report_themselves_skipped_without_chromium(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    # Only the plugins this suite configures: Hypothesis, Faker and Schemathesis would double
    # the run's few seconds, all of them spent starting up.
    env = {**os.environ, "PATH": str(empty), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "pytest_asyncio.plugin", "-p", "pytest_timeout",
         "tests/browser/test_smoke.py", "-q", "-rs"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert REASON in output
    summary = output.strip().splitlines()[-1]
    assert re.fullmatch(r"(\d+) skipped in [\d.]+s( \(.*\))?", summary), summary
