"""Every kind of mail the system sends, made by the real system, holds only links that open a
working page of the site (and the session's join link, which is the webinar's).

One module fixture drives the services through the API until each kind has been mailed; then
one test per kind opens each of its links in the browser as the recipient would.

Not covered: `digest`. Daily and weekly digests gather news before a cut-off at 00:00 UTC
(Monday for weekly ones) and are sent in the next period, so one appears only a day after its
news; the stack has no clock to move.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.checks import PageFactory, assert_no_console_errors
from tests.browser.journeys import (
    confirmed_subscriber,
    link_to,
    open_page,
    published_document,
    role_key,
    tag,
    wait_until,
)
from tests.browser.mail import links_in
from tests.browser.stack import Stack, unique_email

pytestmark = pytest.mark.browser

JOIN = "https://meet.example.org/mail-links"
JOIN_SOON = "https://meet.example.org/starting-soon"
REMINDER_LEAD = timedelta(seconds=70)
"""The stack reminds 1 minute ahead: a session 70 s away is reminded of 10 s from now."""


@dataclass(frozen=True)
class Kind:
    """Who gets a kind of mail in this module, how its (English) subject starts, and the one
    link outside the site it may hold."""

    to: str
    subject: str
    join_url: str | None = None
    news: bool = False
    """Not transactional: carries a `List-Unsubscribe` header."""


def kinds(people: dict[str, str]) -> dict[str, Kind]:
    """Each kind of mail this module makes, by the name notify gives it."""
    return {
        "confirmed": Kind(people["first"], "Your seat is confirmed", JOIN),
        "waitlisted": Kind(people["second"], "You are on the waiting list"),
        "cancelled": Kind(people["first"], "Registration cancelled"),
        "promoted": Kind(people["second"], "A seat opened up for you", JOIN),
        "session_rescheduled": Kind(people["second"], "New date and time", JOIN),
        "session_cancelled": Kind(people["second"], "Session cancelled"),
        "pending": Kind(people["pending"], "Registration received"),
        "rejected": Kind(people["pending"], "About your registration"),
        "attended": Kind(people["came"], "Thank you for joining"),
        "no_show": Kind(people["absent"], "We missed you"),
        "reminder": Kind(people["soon"], "Reminder:", JOIN_SOON),
        "subscription_confirm": Kind(people["reader"], "Please confirm your INGP subscription"),
        "document_published": Kind(people["reader"], "New in the INGP repository", news=True),
        "translation_job": Kind(people["reader"], "A translation is waiting for you", news=True),
        "document_translated": Kind(people["reader"], "Now available in another language",
                                    news=True),
    }


KINDS = tuple(kinds(defaultdict(str)))


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def register(stack: Stack, session_id: str, email: str) -> str:
    """Register `email` with e-mails in English; its registration id."""
    reply = stack.register(session_id, email, preferred_language="en")
    return str(reply["registration_id"])


def moved_to(stack: Stack, session_id: str, starts: datetime) -> None:
    ok(stack.http.patch(f"/v1/sessions/{session_id}", headers=stack.auth, json={
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat()}))


def translate_by_people(stack: Stack, document_id: str, target: str) -> None:
    """A translator claims the queued job, translates every segment and submits; the
    secretariat approves (four eyes): the catalog gets a reviewed language version."""
    translator = role_key(stack, "translator")
    jobs = wait_until("a translation job queued", lambda: ok(stack.http.get(
        "/v1/translations", params={"document": document_id, "target": target},
        headers=translator))["items"])
    job_url = f"/v1/translations/{jobs[0]['id']}"
    job = ok(stack.http.get(job_url, headers=translator))
    ok(stack.http.post(f"{job_url}/claim", headers=translator))
    segments = [{"id": s["id"], "target": f"EN {s['source']}"} for s in job["segments"]]
    ok(stack.http.put(f"{job_url}/draft", json={"segments": segments}, headers=translator))
    ok(stack.http.post(f"{job_url}/submit", headers=translator))
    ok(stack.http.post(f"{job_url}/approve", headers=stack.auth))


@pytest.fixture(scope="module")
def mails(stack: Stack) -> dict[str, tuple[Kind, EmailMessage]]:
    """Every kind of mail, made through the API as the secretariat, editors, translators,
    participants and readers would; by kind."""
    people = {who: unique_email(f"mail-{who}") for who in (
        "first", "second", "pending", "came", "absent", "soon", "reader")}
    title = f"Mail links {tag()}"
    now = datetime.now(UTC)

    # First, as it takes time: a session starting in 70 s is reminded of 10 s from now.
    soon = stack.published_session(join_url=JOIN_SOON, starts_at=(now + REMINDER_LEAD)
                                   .isoformat(), ends_at=(now + timedelta(hours=1)).isoformat(),
                                   title={"en": f"{title} soon"})
    register(stack, soon, people["soon"])

    # A reader who also translates from Spanish into English.
    confirmed_subscriber(stack, people["reader"], translation_pairs=["es>en"])

    # A full session: confirmed, waiting list, cancelled by the mailed token, promoted; then
    # moved to another day, then cancelled by the secretariat.
    full = stack.published_session(capacity=1, join_url=JOIN, title={"en": f"{title} full"})
    register(stack, full, people["first"])
    register(stack, full, people["second"])
    confirmation = stack.wait_for_mail(people["first"], "Your seat is confirmed")
    token = link_to(confirmation, "/registrations/cancel").split("token=", 1)[1]
    assert ok(stack.http.post("/v1/registrations/cancel", json={"token": token}))[
        "status"] == "cancelled"
    stack.wait_for_mail(people["second"], "A seat opened up for you")
    moved_to(stack, full, now + timedelta(days=20))
    stack.wait_for_mail(people["second"], "New date and time")
    ok(stack.http.post(f"/v1/sessions/{full}/cancel", headers=stack.auth,
                       json={"reason": "The speaker is ill"}))

    # A session the secretariat approves registrations for: pending, then rejected.
    approved = stack.published_session(requires_approval=True, title={"en": f"{title} vetted"})
    pending = register(stack, approved, people["pending"])
    stack.wait_for_mail(people["pending"], "Registration received")
    ok(stack.http.post(f"/v1/registrations/{pending}/reject", headers=stack.auth,
                       json={"reason": "The session is for procurement officials"}))

    # A session one person attends; then its dates are set in the past (the API takes them)
    # and the registration service's sweep marks the other one a no-show.
    held = stack.published_session(title={"en": f"{title} held"})
    register(stack, held, people["came"])
    register(stack, held, people["absent"])
    recorded = ok(stack.http.post(f"/v1/sessions/{held}/attendance", headers=stack.auth, json={
        "attendees": [{"email": people["came"], "minutes": 55}]}))
    assert recorded == {"recorded": 1, "unknown": 0, "unmatched": []}
    stack.wait_for_mail(people["came"], "Thank you for joining")
    moved_to(stack, held, now - timedelta(hours=3))

    # A document: published (news, and a job for translators), then translated by people.
    document = published_document(stack, title={"es": f"Guía {title}"},
                                  body={"es": "La contratación pública abierta es clave."})
    stack.wait_for_mail(people["reader"], "A translation is waiting for you")
    translate_by_people(stack, document, "en")

    expected = kinds(people)
    found = {kind: (what, stack.wait_for_mail(what.to, what.subject, timeout=30))
             for kind, what in expected.items()}
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_link_of_the_mail_opens_a_working_page(
        kind: str, mails: dict[str, tuple[Kind, EmailMessage]], stack: Stack,
        new_page: PageFactory) -> None:
    what, message = mails[kind]
    links = links_in(message)
    ours = [link for link in links if link.startswith(stack.base_url + "/")]
    others = [link for link in links if link not in ours]
    assert ours, f"{kind}: no link to the site in {links}"
    assert others == ([what.join_url] if what.join_url else []), (
        f"{kind}: links outside the site other than the join link: {others}")
    assert not [link for link in ours if "/v1/" in link], f"{kind}: a link into the API: {ours}"

    for link in ours:
        # Each link in a browser of its own: a `?lang=` link makes its language the reader's
        # choice (a cookie) for the pages after it.
        page = new_page(locale="en-US")
        open_page(page, link)
        # The page speaks the mail's language, or the one the link asks for (a translator's
        # link opens the text to translate in its source language).
        wanted = parse_qs(urlsplit(link).query).get("lang", ["en"])[0]
        assert page.locator("html").get_attribute("lang") == wanted, link
        assert page.locator("main h1").count() == 1, link
        assert_no_console_errors(page)

    # News carries a one-click unsubscribe (RFC 8058) for mail clients: a POST to the API,
    # which answers a GET with what the POST would do (nothing is changed here).
    unsubscribe = str(message["List-Unsubscribe"] or "").strip("<>")
    if what.news:
        assert unsubscribe.startswith(stack.base_url + "/v1/subscriptions/unsubscribe?token=")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        described = stack.http.get(unsubscribe.removeprefix(stack.base_url))
        assert described.status_code == 200 and described.json()["status"] == "active", \
            described.text
    else:
        assert not unsubscribe, f"{kind} is transactional, yet: {unsubscribe}"
