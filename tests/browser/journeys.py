"""What several browser journeys share: keys of other roles, documents and subscriptions made
through the API, the link of a kind in a mail, and opening a page as a person would."""

from __future__ import annotations

import time
import uuid
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Response

from tests.browser.mail import links_in
from tests.browser.stack import Stack
from tests.support.up import dialogues

_keys: dict[tuple[str, str], str] = {}


def role_key(stack: Stack, role: str) -> dict[str, str]:
    """Headers with an API key of `role` on this stack, made once with `dialogues keys create`
    as an operator would (about two seconds each)."""
    made = _keys.get((stack.base_url, role))
    if made is None:
        made = dialogues(stack.up, "keys", "create", "--role", role,
                         "--name", f"browser-{role}").stdout.strip()
        _keys[(stack.base_url, role)] = made
    return {"X-API-Key": made}


def tag() -> str:
    """A short word no other test uses, to tell this test's sessions and documents apart."""
    return uuid.uuid4().hex[:8]


def published_document(stack: Stack, files: tuple[tuple[str, bytes, str], ...] = (),
                       **fields: Any) -> str:
    """The id of a new document, with `files` attached (name, bytes, content type), published
    by an editor; `fields` are the draft's (type, source_language and title are required)."""
    editor = role_key(stack, "editor")
    draft = {"type": "guide", "source_language": "es", "topics": ["open_data"], **fields}
    created = stack.http.post("/v1/documents", json=draft, headers=editor)
    assert created.status_code == 201, created.text
    document_id: str = created.json()["id"]
    for name, content, content_type in files:
        attached = stack.http.post(f"/v1/documents/{document_id}/files", headers=editor,
                                   files={"file": (name, content, content_type)})
        assert attached.status_code == 201, attached.text
    published = stack.http.post(f"/v1/documents/{document_id}/publish", headers=editor)
    assert published.status_code == 200, published.text
    return document_id


def link_to(message: EmailMessage, path: str) -> str:
    """The one link of the message whose path starts with `path` (any query after it)."""
    found = [link for link in links_in(message) if urlsplit(link).path.startswith(path)]
    assert len(found) == 1, f"links to {path} in {message['Subject']!r}: {links_in(message)}"
    return found[0]


def confirmed_subscriber(stack: Stack, email: str, **choices: Any) -> None:
    """A subscription confirmed through the API with the mailed token (double opt-in)."""
    asked = stack.http.post("/v1/subscriptions", json={"email": email, "language": "en",
                                                       **choices})
    assert asked.status_code == 202, asked.text
    confirm = link_to(stack.wait_for_mail(email), "/subscriptions/confirm")
    token = confirm.split("token=", 1)[1]
    done = stack.http.post("/v1/subscriptions/confirm", json={"token": token})
    assert done.status_code == 200 and done.json()["status"] == "active", done.text


def open_page(page: Page, url: str, status: int = 200) -> Response:
    """Go to `url` and check the answer's status; the response, for its headers."""
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == status, f"{url} answered {response.status}, not {status}"
    return response


def wait_until(what: str, check: Any, timeout: float = 15.0, interval: float = 0.2) -> Any:
    """`check()` once it is truthy; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, f"{what} within {timeout:g} s"
        time.sleep(interval)
    return result


def focused(page: Page) -> str:
    """The id (or else the tag and name) of the element that has keyboard focus."""
    answer: str = page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.id || `${e.tagName.toLowerCase()}[name=${e.getAttribute('name')}]`; }")
    return answer


def staff_account(stack: Stack, role: str, label: str = "staff") -> str:
    """The address of a new staff account of `role`, made with `dialogues staff add` as an
    operator enters the first admin (about two seconds)."""
    address = f"{label}-{uuid.uuid4().hex[:10]}@example.org"
    dialogues(stack.up, "staff", "add", "--role", role, "--name", f"Browser {role}", address)
    return address


def sign_in(page: Page, stack: Stack, address: str, then: str = "/staff",
            lang: str | None = None) -> None:
    """Sign `address` in on `page` as staff do: ask for a link, open it from the mail, press
    the button. The page ends on `then`; `lang` chooses the language (else the browser's)."""
    open_page(page, f"/staff/sign-in?next={then}" + (f"&lang={lang}" if lang else ""))
    page.locator("#email").fill(address)
    page.locator("form[action='/staff/sign-in'] button[type=submit]").click()
    open_page(page, link_to(stack.wait_for_mail(address), "/staff/sign-in/link"))
    page.locator("form[action='/staff/sign-in/link'] button[type=submit]").click()
    page.wait_for_url(f"**{then}")
