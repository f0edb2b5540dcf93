"""The public site's subscription pages against the real services and a real SMTP server:
subscribe through the form, follow the mailed link, confirm, unsubscribe."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from services.notify.domain.subscriptions import CONFIRM, UNSUBSCRIBE
from services.notify.settings import SmtpSettings
from shared.reference import DOCUMENT_TYPES, MEMBER_STATES, TOPICS
from shared.settings import Settings
from tests.integration.notify_support import SmtpServer, parts, smtp_settings_for
from tests.integration.site_support import (
    WISH,
    hidden_fields,
    send_form,
    text_of,
)
from tests.support import eventually
from tests.support.tokens import token_for

pytestmark = pytest.mark.integration


@pytest.fixture
def smtp_settings(smtp: SmtpServer) -> SmtpSettings:
    """Notify's mail settings, pointing at the test's SMTP server."""
    return smtp_settings_for(smtp)


async def api_state(http: httpx.AsyncClient, settings: Settings, email: str) -> str:
    """The subscription's status as the API describes it (a GET acts on nothing)."""
    token = token_for(settings, email, UNSUBSCRIBE, timedelta(days=1))
    answer = await http.get("/v1/subscriptions/unsubscribe", params={"token": token})
    assert answer.status_code == 200, answer.text
    status: str = answer.json()["status"]
    return status


def assert_token_headers(answer: httpx.Response) -> None:
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["cache-control"] == "no-store"
    policy = answer.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "default-src 'none'" in policy


async def test_the_form_labels_every_field(gateway_http: httpx.AsyncClient) -> None:
    page = await gateway_http.get("/subscriptions", params={"lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "private" in page.headers["cache-control"] and 'name="_csrf_token"' in page.text
    html = page.text
    assert html.count("<h1>") == 1 and "<title>Error:" not in html
    assert re.search(r'<input id="email" name="email" type="email"[^>]*autocomplete="email"',
                     html)
    for name in ("email", "documents"):
        assert f'<label for="{name}">' in html
    for group in ("topics", "types", "countries", "translation_pairs", "frequency", "language"):
        assert re.search(rf'<fieldset id="{group}"[^>]*>\s*<legend>', html), group
    for group, codes in (("topics", [t.code for t in TOPICS]),
                         ("types", [t.code for t in DOCUMENT_TYPES]),
                         ("countries", [s.iso2 for s in MEMBER_STATES])):
        for code in codes:
            assert f'<label for="{group}-{code}">' in html, (group, code)
    assert '<label for="translation_pairs-es&gt;en">From Spanish into English</label>' in html
    assert 'id="language-en" name="language" value="en" checked' in html  # the reader's
    assert 'id="frequency-immediate" name="frequency" value="immediate" checked' in html
    assert "nothing else is sent until you follow it" in html
    assert '<button type="submit">Subscribe</button>' in html
    gateway_http.cookies.clear()  # forget the language chosen above
    spanish = await gateway_http.get("/subscriptions", headers={"Accept-Language": "es"})
    assert 'id="language-es" name="language" value="es" checked' in spanish.text
    assert "Suscribirse a las novedades del repositorio" in spanish.text


async def test_a_form_without_its_csrf_token_is_refused_with_a_page(
        gateway_http: httpx.AsyncClient, smtp: SmtpServer) -> None:
    answer = await gateway_http.post("/subscriptions", data=WISH)
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert smtp.inbox.messages == []


async def test_a_refused_form_names_each_field_and_keeps_what_was_typed(
        gateway_http: httpx.AsyncClient) -> None:
    fields = {**WISH, "email": "lectora<at>example", "frequency": "hourly"}
    answer = await send_form(gateway_http, "/subscriptions", "/subscriptions", fields, "fr")
    assert answer.status_code == 422
    assert "<title>Erreur :" in answer.text
    assert 'href="#email"' in answer.text and 'href="#frequency"' in answer.text
    assert answer.text.index('href="#email"') < answer.text.index('href="#frequency"')
    assert 'id="email-error"' in answer.text and 'aria-invalid="true"' in answer.text
    assert "nom@exemple.org" in text_of(answer.text)  # what to do, in the reader's language
    assert 'value="lectora&lt;at&gt;example"' in answer.text  # kept, and escaped
    assert 'id="topics-open_data" name="topics" value="open_data" checked' in answer.text
    assert 'id="language-pt" name="language" value="pt" checked' in answer.text


async def test_subscribe_confirm_and_unsubscribe_through_the_pages(
        gateway_http: httpx.AsyncClient, smtp: SmtpServer, settings: Settings) -> None:
    http = gateway_http
    sent = await send_form(http, "/subscriptions", "/subscriptions", WISH)
    assert sent.status_code == 200, text_of(sent.text)[:400]
    assert "Check your inbox" in sent.text and "The link works for 7 days." in sent.text
    again = await send_form(http, "/subscriptions", "/subscriptions", WISH)
    assert text_of(again.text) == text_of(sent.text)  # a known address looks the same

    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    body = parts(smtp.inbox.messages[0])["text/plain"]
    found = re.search(r"https?://[^/\s]+(/subscriptions/confirm\?token=\S+)", body)
    assert found is not None, body
    link = found.group(1)
    shown = await http.get(link)
    assert shown.status_code == 200 and "Confirm my subscription" in text_of(shown.text)
    assert_token_headers(shown)
    await http.get(link)  # as a mail scanner would: nothing changes
    assert await api_state(http, settings, "lectora@example.org") == "pending"

    token = hidden_fields(shown.text)["token"]
    confirmed = await send_form(http, link, "/subscriptions/confirm", {"token": token})
    assert confirmed.status_code == 200
    assert_token_headers(confirmed)
    text = text_of(confirmed.text)
    assert "Your subscription is confirmed" in text and "Once a week" in text
    assert "Portuguese" in text and "link to unsubscribe" in text
    assert await api_state(http, settings, "lectora@example.org") == "active"

    ending = token_for(settings, "lectora@example.org", UNSUBSCRIBE, timedelta(days=1))
    leave = f"/subscriptions/unsubscribe?token={ending}"
    described = await http.get(leave)
    assert described.status_code == 200 and "Active" in text_of(described.text)
    assert_token_headers(described)
    assert await api_state(http, settings, "lectora@example.org") == "active"
    fields = {"token": hidden_fields(described.text)["token"]}
    done = await send_form(http, leave, "/subscriptions/unsubscribe", fields)
    assert done.status_code == 200 and "You are unsubscribed" in text_of(done.text)
    assert "already" not in text_of(done.text)
    assert await api_state(http, settings, "lectora@example.org") == "unsubscribed"
    later = await http.get(leave)
    assert "You have already unsubscribed" in later.text and "<button" not in later.text
    repeated = await http.post("/subscriptions/unsubscribe",
                               data={**hidden_fields(described.text), **fields})
    assert "You had already unsubscribed" in text_of(repeated.text)


async def test_expired_bad_and_missing_links_get_pages_that_say_so(
        gateway_http: httpx.AsyncClient, settings: Settings) -> None:
    http = gateway_http
    expired = token_for(settings, "nadie@example.org", CONFIRM, timedelta(seconds=-5))
    page = f"/subscriptions/confirm?token={expired}"
    answer = await send_form(http, page, "/subscriptions/confirm", {"token": expired}, "es")
    assert answer.status_code == 410 and "Este enlace de suscripción ha caducado" in answer.text
    assert 'href="/subscriptions"' in answer.text
    assert_token_headers(answer)
    gone = token_for(settings, "nadie@example.org", UNSUBSCRIBE, timedelta(seconds=-5))
    answer = await http.get("/subscriptions/unsubscribe", params={"token": gone})
    assert answer.status_code == 410 and 'href="/subscriptions"' in answer.text
    for token in (gone[:-3] + "xyz", expired, "", "x" * 600):  # tampered, wrong action, ...
        answer = await http.get("/subscriptions/unsubscribe", params={"token": token})
        assert answer.status_code == 403, token
        assert_token_headers(answer)
    answer = await send_form(http, page, "/subscriptions/confirm", {"token": "short"})
    assert answer.status_code == 403 and answer.headers["content-type"].startswith("text/html")
    unknown = token_for(settings, "nadie@example.org", UNSUBSCRIBE, timedelta(days=1))
    answer = await http.get("/subscriptions/unsubscribe", params={"token": unknown})
    assert answer.status_code == 404 and 'href="/subscriptions"' in answer.text


async def test_one_click_unsubscribe_from_mail_clients_still_works(
        gateway_http: httpx.AsyncClient, settings: Settings) -> None:
    sent = await send_form(gateway_http, "/subscriptions", "/subscriptions",
                           {**WISH, "email": "uno@example.org"})
    assert sent.status_code == 200
    gateway_http.cookies.clear()  # a mail client has no cookie and no page
    token = token_for(settings, "uno@example.org", UNSUBSCRIBE, timedelta(days=1))
    answer = await gateway_http.post(
        "/v1/subscriptions/unsubscribe", params={"token": token},
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "unsubscribed"
