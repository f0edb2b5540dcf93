"""One public registration is one trace, from the HTTP request to the SMTP send, and nothing
personal or secret appears in any exported span or any log line of any process.

The journey covers what people do with personal data and mailed tokens: register, open the
mailed cancel link and cancel, subscribe, confirm and unsubscribe with their tokens, and search
the repository for an e-mail address. Afterwards no name, address or token, and no query
string at all, is in a span's name or any of its attributes, nor anywhere in the exported
bytes or the logs.
"""

from __future__ import annotations

import email
import email.policy
import re
import signal
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import unquote

import httpx
import pytest

from services.notify.domain.subscriptions import UNSUBSCRIBE
from shared.settings import Settings
from tests.otlp_receiver import ReceivedSpan, otlp_receiver
from tests.support.quiet import Servers, quiet_now
from tests.support.sessions import person, session_body
from tests.support.tokens import token_for
from tests.support.up import Up, dialogues, gateway_url, wait_for

pytestmark = pytest.mark.e2e

EMAIL = "maria.trazas@example.org"
NAME = "María Trazabilidad"
READER = "lectora.trazas@example.org"
ROUTE = "POST /v1/sessions/{session_id}/registrations"
QUERY_STRING = re.compile(r"\?[^\s]*=")


def mailed_token(up: Up, address: str, page: str) -> str:
    """The token of the link to `page` in the mail sent to `address` (waits for the mail)."""
    found: list[str] = []

    def mailed() -> bool:
        for path in (up.data_dir / "mail").glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address not in str(message["To"]):
                continue
            body = message.get_body(("plain",))
            text = body.get_content() if body is not None else ""  # type: ignore[attr-defined]
            found.extend(re.findall(rf"{re.escape(page)}\?token=([^\s\"<>&]+)", text))
        return bool(found)

    wait_for(f"no mail to {address} with a link to {page}", mailed, 30, up, interval=0.2)
    return unquote(found[0])


def walk_the_journey(up: Up) -> list[str]:
    """As the secretariat and then participants would; returns the tokens that were used."""
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

        cancel = mailed_token(up, EMAIL, "/registrations/cancel")
        assert http.get("/registrations/cancel", params={"token": cancel}).status_code == 200
        cancelled = http.post("/v1/registrations/cancel", json={"token": cancel})
        assert cancelled.status_code == 200, cancelled.text

        subscribed = http.post("/v1/subscriptions", json={"email": READER, "language": "es"})
        assert subscribed.status_code == 202, subscribed.text
        confirm = mailed_token(up, READER, "/subscriptions/confirm")
        assert http.get("/subscriptions/confirm", params={"token": confirm}).status_code == 200
        assert http.post("/v1/subscriptions/confirm",
                         json={"token": confirm}).status_code == 200
        secret = (up.data_dir / "secrets" / "token_secret").read_text().strip()
        leave = token_for(Settings(token_secret=secret), READER, UNSUBSCRIBE, timedelta(days=1))
        assert http.get("/v1/subscriptions/unsubscribe",
                        params={"token": leave}).status_code == 200
        assert http.post("/v1/subscriptions/unsubscribe",
                         params={"token": leave}).status_code == 200

        assert http.get("/v1/search", params={"q": EMAIL}).status_code == 200
        assert http.get("/search", params={"q": NAME}).status_code == 200
    return [cancel, confirm, leave]


def services_of(spans: list[ReceivedSpan]) -> set[str]:
    return {str(span.resource["service.name"]) for span in spans}


def test_a_registration_is_one_trace_and_nothing_personal_is_recorded(
    start_up: Callable[..., Up]
) -> None:
    with otlp_receiver() as receiver:
        up = start_up(OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint, LOG_LEVEL="INFO")
        tokens = walk_the_journey(up)
        quiet_now(Servers.of_up(up.data_dir))  # the sent event is relayed; stop and flush
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

    # A reply's subject is made up for one request: named `(temporary)`, not span by span.
    replies = [s for s in trace if s.attributes.get("messaging.destination.temporary")]
    assert replies and {s.name for s in replies} == {"(temporary) publish", "(temporary) process"}
    assert not [s.name for s in receiver.spans if "_INBOX" in s.name]
    # No query string in any span's name or attribute, whatever the attribute is called.
    for span in receiver.spans:
        texts = [span.name, *(str(value) for value in span.attributes.values())]
        assert not [text for text in texts if QUERY_STRING.search(text)], (span.name,
                                                                           span.attributes)
    # Nothing personal or secret anywhere: every exported byte, every line of every log.
    # Local parts cover addresses written with %40; a token's signature covers its payload.
    secrets = [EMAIL, NAME, "Trazabilidad", "maria.trazas", READER, "lectora.trazas",
               *tokens, *(token.rsplit(".", 1)[-1] for token in tokens)]
    for blob in receiver.raw:
        assert not [s for s in secrets if s.encode() in blob]
    logs = [*up.data_dir.joinpath("logs").glob("*.log"), up.stdout, up.stderr]
    assert len(logs) >= 7
    for path in logs:
        content = path.read_bytes()
        assert not [s for s in secrets if s.encode() in content], path.name
