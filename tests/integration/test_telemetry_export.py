"""A service process exports its spans over OTLP/HTTP, with MongoDB spans inside its traces."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from faststream.nats import NatsBroker

from shared.settings import Settings
from tests.integration.bus_support import ping_until_answered
from tests.otlp_receiver import otlp_receiver

pytestmark = pytest.mark.integration


async def test_spans_reach_an_otlp_receiver_over_the_wire(
    settings: Settings, bus_client: NatsBroker, tmp_path: Path
) -> None:
    with otlp_receiver() as receiver:
        env = {**os.environ, "NATS_URL": settings.effective_nats_url(),
               "MONGO_URL": settings.effective_mongo_url(), "DB_PREFIX": settings.db_prefix,
               "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
               # Any other environment refuses the standalone stand-in (shared.db).
               "DEPLOYMENT_ENVIRONMENT": "local"}
        with (tmp_path / "log").open("wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "services.registration"],
                                       env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            await ping_until_answered(bus_client, "registration")
            process.send_signal(signal.SIGTERM)  # the provider flushes at shutdown
            try:
                assert process.wait(timeout=15) == 0
            except subprocess.TimeoutExpired:
                pytest.fail("no exit 15 s after SIGTERM:\n" + (tmp_path / "log").read_text())
        finally:
            if process.poll() is None:
                process.kill()

    assert receiver.spans, "nothing was exported"
    resource = receiver.spans[0].resource
    assert resource["service.name"] == "dialogues-registration"
    assert resource["deployment.environment"] == "local"
    assert resource["service.version"]
    rpc = [s for s in receiver.spans if "rpc.registration.ping" in s.name]
    assert rpc, [s.name for s in receiver.spans]
    mongo = [s for s in receiver.spans
             if s.attributes.get("db.system") == "mongodb" and s.name == "ping"]
    assert mongo, [s.name for s in receiver.spans]
    # The database call the ping made is a child of the RPC's consumer span, in its trace.
    by_id = {s.span_id: s for s in receiver.spans}
    assert any(by_id.get(m.parent_span_id) in rpc and m.trace_id == by_id[m.parent_span_id].trace_id
               for m in mongo)
    assert all("db.statement" not in s.attributes for s in receiver.spans)
