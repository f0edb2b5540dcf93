"""The whole system as an operator runs it (`dialogues up`), for the browser tests.

One stack serves the whole browser suite, so tests share its data: each makes its own
sessions and uses its own mail addresses (`unique_email`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from shared.servers import free_port
from tests.browser.mail import MailMatch, addressed_to, read_mail, wait_for_mail
from tests.support.sessions import person, plain_session_body
from tests.support.up import Up, dialogues, gateway_url, start_up_in, stop_up

STACK_ENV = {
    "DEPLOYMENT_ENVIRONMENT": "local",
    # Reminders only for sessions starting within a minute: a test's session, days ahead,
    # must not get a reminder mailed beside its confirmation.
    "NOTIFY_REMINDER_OFFSETS_MINUTES": "[1]",
    # Every page, stylesheet and script of every test comes from 127.0.0.1.
    "PUBLIC_RATE_LIMIT": "100000",
}
"""What the browser stack sets beyond the defaults."""

@dataclass
class Stack:
    """A running `dialogues up`, its secretariat key, an API client and its mail sink."""

    up: Up
    base_url: str
    key: str
    http: httpx.Client

    @property
    def auth(self) -> dict[str, str]:
        """Headers that carry the secretariat key."""
        return {"X-API-Key": self.key}

    @property
    def mail_folder(self) -> Path:
        return self.up.data_dir / "mail"

    def url(self, path: str) -> str:
        """The absolute address of `path` on the gateway."""
        return self.base_url + path

    def published_session(self, **changes: Any) -> str:
        """The id of a new session, published; `changes` override `plain_session_body()`."""
        created = self.http.post("/v1/sessions", json=plain_session_body(**changes),
                                 headers=self.auth)
        assert created.status_code == 201, created.text
        session_id: str = created.json()["id"]
        published = self.http.post(f"/v1/sessions/{session_id}/publish", headers=self.auth)
        assert published.status_code == 200, published.text
        return session_id

    def register(self, session_id: str, email: str, **changes: Any) -> dict[str, Any]:
        """Register `email` through the JSON API; `changes` override `person()`."""
        reply = self.http.post(f"/v1/sessions/{session_id}/registrations",
                               json=person(email, **changes))
        assert reply.status_code == 201, reply.text
        body: dict[str, Any] = reply.json()
        return body

    def wait_for_mail(self, to: str, subject_contains: MailMatch = None,
                      timeout: float = 20.0) -> EmailMessage:
        """The oldest kept message to `to` matching a Subject substring or a predicate."""
        return wait_for_mail(self.mail_folder, to, subject_contains, timeout)

    def mail_to(self, to: str) -> list[EmailMessage]:
        """Every message kept for `to` so far, oldest first."""
        return [m for m in read_mail(self.mail_folder) if addressed_to(m, to)]

    def stop(self) -> None:
        """SIGTERM and a graceful stop; SIGKILL for whatever is left after 20 s."""
        self.http.close()
        stop_up(self.up)


def unique_email(label: str = "participant") -> str:
    """An address no other test uses, so its mail is its own."""
    return f"{label}-{uuid.uuid4().hex[:10]}@example.org"


def start_stack(root: Path) -> Stack:
    """Start `dialogues up` on a free port with PUBLIC_BASE_URL pointing at it; wait until up."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    up = start_up_in(root, port=port, **STACK_ENV, PUBLIC_BASE_URL=base_url)
    try:
        printed = gateway_url(up)
        assert printed == base_url, f"dialogues up printed {printed}, not {base_url}"
        up.pids()
        key = dialogues(up, "keys", "create", "--role", "secretariat", "--name", "test")
    except BaseException:
        stop_up(up)
        raise
    http = httpx.Client(base_url=base_url, timeout=10.0, trust_env=False)
    return Stack(up, base_url, key.stdout.strip(), http)
