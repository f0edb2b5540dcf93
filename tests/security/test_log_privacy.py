"""A richer whole-system run under `dialogues up` (registrations, a cancellation by mailed
token, the waiting list, a double opt-in subscription, a document published and translated by
people), then every line every process logged is searched for an e-mail address."""

from __future__ import annotations

import email
import email.policy
import re
import signal
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.quiet import Servers, quiet_now
from tests.support.sessions import person, plain_session_body
from tests.support.up import Up, dialogues, gateway_url, wait_for

pytestmark = [pytest.mark.security, pytest.mark.e2e]

ADDRESS = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
TOKEN = re.compile(r"token=([A-Za-z0-9_\-.]+)")
FIRST, SECOND, READER = ("ana.first@example.org", "beto.second@example.org",
                         "carla.reader@example.net")


def mails_to(up: Up, address: str) -> list[EmailMessage]:
    found = []
    for path in sorted((up.data_dir / "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message["To"]):
            found.append(message)
    return found


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return str(part.get_content()) if part else ""


def token_in(up: Up, address: str, path: str) -> str:
    """The token of the first link to `path` mailed to `address` (waits for the mail)."""
    found: list[str] = []

    def mailed() -> bool:
        for message in mails_to(up, address):
            for line in text_of(message).splitlines():
                if path in line and (match := TOKEN.search(line)):
                    found.append(match.group(1))
        return bool(found)

    wait_for(f"no mail to {address} with a link to {path}", mailed, 30, up, interval=0.2)
    return found[0]


def key(up: Up, role: str) -> dict[str, str]:
    made = dialogues(up, "keys", "create", "--role", role, "--name", f"e2e-{role}")
    return {"X-API-Key": made.stdout.strip()}


def ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def registrations_and_waitlist(http: httpx.Client, up: Up, boss: dict[str, str]) -> None:
    session_id = ok(http.post("/v1/sessions", json=plain_session_body(capacity=1), headers=boss),
                    201)["id"]
    ok(http.post(f"/v1/sessions/{session_id}/publish", headers=boss))
    first = ok(http.post(f"/v1/sessions/{session_id}/registrations", json=person(FIRST)), 201)
    second = ok(http.post(f"/v1/sessions/{session_id}/registrations",
                          json=person(SECOND, name="Beto Segundo")), 201)
    assert (first["status"], second["status"]) == ("confirmed", "waitlisted")
    token = token_in(up, FIRST, "/registrations/cancel")
    assert ok(http.post("/v1/registrations/cancel", json={"token": token}))["status"] == \
        "cancelled"
    wait_for("the waiting list did not move up", lambda: len(mails_to(up, SECOND)) >= 2, 30,
             up, interval=0.2)
    rows = ok(http.get(f"/v1/sessions/{session_id}/registrations", headers=boss))["items"]
    assert sorted(row["status"] for row in rows) == ["cancelled", "confirmed"]


def subscription(http: httpx.Client, up: Up) -> None:
    ok(http.post("/v1/subscriptions", json={"email": READER, "language": "en"}), 202)
    token = token_in(up, READER, "/subscriptions/confirm")
    assert ok(http.post("/v1/subscriptions/confirm", json={"token": token}))["status"] == \
        "active"


def translated_document(http: httpx.Client, up: Up, boss: dict[str, str]) -> None:
    editor, translator = key(up, "editor"), key(up, "translator")
    draft = {"type": "guide", "source_language": "es", "title": {"es": "Guía de compras"},
             "body": {"es": "La contratación pública es clave."}, "topics": ["open_data"]}
    document_id = ok(http.post("/v1/documents", json=draft, headers=editor), 201)["id"]
    ok(http.post(f"/v1/documents/{document_id}/publish", headers=editor))
    jobs: list[dict[str, Any]] = []

    def queued() -> bool:
        page = ok(http.get("/v1/translations", params={"document": document_id},
                           headers=translator))
        jobs[:] = page["items"]
        return bool(jobs)

    wait_for("no translation job was queued", queued, 30, up, interval=0.2)
    job_url = f"/v1/translations/{jobs[0]['id']}"
    job = ok(http.get(job_url, headers=translator))
    ok(http.post(f"{job_url}/claim", headers=translator))
    segments = [{"id": s["id"], "target": f"EN {s['source']}"} for s in job["segments"]]
    ok(http.put(f"{job_url}/draft", json={"segments": segments}, headers=translator))
    ok(http.post(f"{job_url}/submit", headers=translator))
    ok(http.post(f"{job_url}/approve", headers=boss))

    def delivered() -> bool:
        return bool(ok(http.get("/v1/translations", params={"document": document_id,
                                                             "status": "delivered"},
                                headers=translator))["items"])

    wait_for("the translation was not delivered", delivered, 30, up, interval=0.2)


def logged_addresses(paths: list[Path]) -> dict[str, set[bytes]]:
    found = {}
    for path in paths:
        if hits := set(ADDRESS.findall(path.read_bytes())):
            found[path.name] = hits
    return found


@pytest.mark.timeout(240)
def test_no_process_logs_an_email_address(start_up: Callable[..., Up]) -> None:
    up = start_up(LOG_LEVEL="DEBUG", PUBLIC_RATE_LIMIT="10000")
    url = gateway_url(up)
    boss = key(up, "secretariat")
    with httpx.Client(base_url=url, timeout=15, trust_env=False) as http:
        subscription(http, up)
        registrations_and_waitlist(http, up, boss)
        translated_document(http, up, boss)
        # A few refusals too: error paths log as well.
        assert http.post("/v1/subscriptions", json={"email": "bad@"}).status_code == 422
        assert http.post("/v1/registrations/cancel",
                         json={"token": "x" * 40}).status_code in (403, 422)
    quiet_now(Servers.of_up(up.data_dir))  # all is relayed and mailed; stop, logs are flushed
    up.process.send_signal(signal.SIGINT)
    assert up.process.wait(timeout=30) == 0, up.output()

    assert mails_to(up, READER) and mails_to(up, FIRST)  # the addresses were really used
    logs = [*(up.data_dir / "logs").glob("*.log"), up.stdout, up.stderr]
    assert len(logs) >= 7, [p.name for p in logs]
    assert sum(len(p.read_bytes().splitlines()) for p in logs) > 200  # DEBUG: plenty said
    assert logged_addresses(sorted((up.data_dir / "mail").glob("*.eml")))  # the regex works
    assert logged_addresses(logs) == {}
