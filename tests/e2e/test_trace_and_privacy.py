"""One public registration is one trace, from the HTTP request to the SMTP send, and no
e-mail address or name appears in any exported span or any log line of any process."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import httpx
import pytest

from tests.e2e.conftest import Up, dialogues, gateway_url, wait_for
from tests.integration.test_registration_gateway import person, session_body
from tests.otlp_receiver import ReceivedSpan, otlp_receiver

pytestmark = pytest.mark.e2e

EMAIL = "maria.trazas@example.org"
NAME = "María Trazabilidad"
ROUTE = "POST /v1/sessions/{session_id}/registrations"


def register_once(up: Up) -> None:
    """As the secretariat and then a participant would: a session, one registration, its mail."""
    url = gateway_url(up)
    key = dialogues(up, "keys", "create", "--role", "secretariat", "--name", "e2e").stdout.strip()
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=url, timeout=10, trust_env=False) as http:
        created = http.post("/v1/sessions", json=session_body(capacity=10), headers=auth)
        assert created.status_code == 201, created.text
        session_id = created.json()["id"]
        assert http.post(f"/v1/sessions/{session_id}/publish", headers=auth).status_code == 200
        answer = http.post(f"/v1/sessions/{session_id}/registrations",
                           json=person(EMAIL, name=NAME))
        assert answer.status_code == 201, answer.text
        assert answer.json()["status"] == "confirmed"

    def mailed() -> bool:
        return any(EMAIL in path.read_text(errors="replace")
                   for path in (up.data_dir / "mail").glob("*.eml"))

    wait_for("the confirmation was not mailed", mailed, 30, up, interval=0.2)


def services_of(spans: list[ReceivedSpan]) -> set[str]:
    return {str(span.resource["service.name"]) for span in spans}


def test_a_registration_is_one_trace_and_nothing_personal_is_recorded(
    start_up: Callable[..., Up]
) -> None:
    with otlp_receiver() as receiver:
        up = start_up(OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint, LOG_LEVEL="INFO")
        register_once(up)
        time.sleep(1.0)  # the outbox relay publishes the sent event; then stop and flush
        up.process.send_signal(signal.SIGINT)
        assert up.process.wait(timeout=30) == 0, up.output()

    [request] = [s for s in receiver.spans if s.name == ROUTE
                 and s.resource["service.name"] == "dialogues-gateway"
                 and s.attributes.get("http.route") == "/v1/sessions/{session_id}/registrations"]
    trace = [s for s in receiver.spans if s.trace_id == request.trace_id]
    assert {"dialogues-gateway", "dialogues-registration", "dialogues-notify"} <= services_of(trace)
    registration_db = [s for s in trace if s.resource["service.name"] == "dialogues-registration"
                       and s.attributes.get("db.system") == "mongodb"]
    assert registration_db, "the registration's MongoDB calls are in the trace"
    assert any(s.name == "smtp send" for s in trace), sorted({s.name for s in trace})
    published = [s for s in trace if "registration.participant.confirmed.v1" in s.name]
    assert published, "publishing and consuming the confirmation are in the trace"

    # Nothing personal anywhere: every exported byte and every line every process logged.
    secrets = [EMAIL.encode(), NAME.encode(), b"Trazabilidad", b"maria.trazas"]
    for blob in receiver.raw:
        assert not [s for s in secrets if s in blob]
    logs = [*up.data_dir.joinpath("logs").glob("*.log"), up.stdout, up.stderr]
    assert len(logs) >= 7
    for path in logs:
        content = path.read_bytes()
        assert not [s for s in secrets if s in content], path.name
