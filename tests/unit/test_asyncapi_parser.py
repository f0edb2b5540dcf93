"""The AsyncAPI document passes the official parser (`@asyncapi/parser`, run by node from
tools/asyncapi-check): the committed docs/asyncapi.json, and a document generated now, so a stale
file cannot hide a fault of the generator. A deliberately broken copy shows the check can fail.

The parser's packages are installed from the committed lock file (`npm ci`) when missing, so the
README's one test command works on a fresh machine; .ci/run installs them before the tests.
Without node or npm the tests report themselves skipped, with the reason.
"""

from __future__ import annotations

import copy
import fcntl
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cli.asyncapi import DOCUMENT, specification

# npm ci takes 15-25 s on a fresh machine: more than the suite's 120 s only on a slow network.
pytestmark = [pytest.mark.unit, pytest.mark.timeout(300)]

CHECK = Path(__file__).resolve().parents[2] / "tools" / "asyncapi-check"
# Diagnostics below warning level that the document may keep, each with why.
ACCEPTED_NOTES = {
    # FastStream 0.7 writes AsyncAPI 3.0.0; 3.1.0 is a later minor version of the same spec.
    "asyncapi-latest-version",
}


@dataclass(frozen=True)
class Run:
    """One run of the validate script: its exit status and a report per file, by file name."""

    returncode: int
    reports: dict[str, dict[str, Any]]


def _node_tools() -> tuple[str, str]:
    """The paths of node and npm; the tests are skipped, saying so, when either is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if not path)
        pytest.skip(f"{missing} not found on PATH: the AsyncAPI parser needs node 20+ and npm")
    return node, npm


def _parser_is_installed() -> bool:
    """npm writes node_modules/.package-lock.json last; an older one predates the lock file."""
    installed = CHECK / "node_modules" / ".package-lock.json"
    lock = CHECK / "package-lock.json"
    return installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime


def _install_parser(npm: str) -> None:
    """`npm ci` from the committed lock, once even if two test runs share this checkout."""
    with (CHECK / "package-lock.json").open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _parser_is_installed():
            return
        result = subprocess.run([npm, "ci"], cwd=CHECK, capture_output=True, text=True,
                                timeout=280, check=False)
        assert result.returncode == 0, f"npm ci failed in {CHECK}:\n{result.stdout}{result.stderr}"


def _broken(document: dict[str, Any]) -> dict[str, Any]:
    """Three faults a generator could make: an operation sending another channel's message, a
    message whose payload points at a schema that is not there, and a NATS binding field that
    the binding does not have (FastStream's own channel bindings had one)."""
    broken = copy.deepcopy(document)
    operation = next(iter(broken["operations"].values()))
    own_channel = operation["channel"]["$ref"].rsplit("/", 1)[-1]
    other = next(name for name in broken["channels"] if name != own_channel)
    message = next(iter(broken["channels"][other]["messages"]))
    operation["messages"] = [{"$ref": f"#/channels/{other}/messages/{message}"}]
    payload = next(iter(broken["components"]["messages"].values()))["payload"]
    payload["$ref"] = "#/components/schemas/NoSuchSchema"
    queued = next(op for op in broken["operations"].values() if "bindings" in op)
    queued["bindings"]["nats"]["subject"] = queued["channel"]["$ref"]
    return broken


@pytest.fixture(scope="module")
def parser_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One node run over the committed, the generated and the broken documents: loading the
    parser costs about a second of CPU, and so does each document. The generated document is
    parsed apart only when it differs from the committed one (the same text, the same report)."""
    node, npm = _node_tools()
    if not _parser_is_installed():
        _install_parser(npm)
    folder = tmp_path_factory.mktemp("asyncapi")
    committed = DOCUMENT.read_text()
    generated = folder / "generated.json"
    generated.write_text(specification())
    broken = folder / "broken.json"
    broken.write_text(json.dumps(_broken(json.loads(committed))))
    files = {"committed": DOCUMENT, "generated": generated, "broken": broken}
    if generated.read_text() == committed:
        files["generated"] = DOCUMENT
    paths = sorted({str(path.resolve()) for path in files.values()})
    result = subprocess.run([node, "validate.mjs", *paths], cwd=CHECK,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode in (0, 1), result.stderr
    reports = {report["file"]: report for report in json.loads(result.stdout)}
    return Run(result.returncode,
               {name: reports[str(path.resolve())] for name, path in files.items()})


def _findings(report: dict[str, Any]) -> list[str]:
    """Every diagnostic worth a look, readable in an assertion message."""
    return [f"{d['severity']} {d['code']} at {d['path'] or '/'}: {d['message']}"
            for d in report["diagnostics"] if d["code"] not in ACCEPTED_NOTES]


@pytest.mark.parametrize("document", ["committed", "generated"])
def test_asyncapi_document_has_no_errors_or_warnings(parser_run: Run, document: str) -> None:
    report = parser_run.reports[document]
    assert report["errors"] == 0 and report["warnings"] == 0, "\n".join(_findings(report))
    assert _findings(report) == []


def test_parser_refuses_a_broken_document(parser_run: Run) -> None:
    report = parser_run.reports["broken"]
    codes = {d["code"] for d in report["diagnostics"] if d["severity"] == "error"}
    assert {"asyncapi3-operation-messages-from-referred-channel", "invalid-ref",
            "asyncapi-document-resolved"} <= codes, codes
    assert any(d["path"].endswith("/bindings/nats/subject") for d in report["diagnostics"])
    assert parser_run.returncode == 1
