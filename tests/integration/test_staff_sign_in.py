"""Signing in by a mailed link, end to end: the gateway asks notify, notify mails over real
SMTP (and keeps nothing in its delivery log), the link opens a page whose button signs in
once, with a `Secure; HttpOnly; SameSite=Lax` cookie."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from services.notify.bootstrap import build_spec as notify_spec
from shared.service import start_service
from shared.settings import Settings
from tests.integration.notify_support import SmtpServer, parts, smtp_settings_for
from tests.integration.site_support import hidden_fields, text_of
from tests.integration.staff_support import account, cookie_header
from tests.support import eventually, serving

pytestmark = pytest.mark.integration


@pytest.fixture
async def http(settings: Settings, smtp: SmtpServer) -> AsyncIterator[
        tuple[Litestar, httpx.AsyncClient]]:
    """The gateway with notify (mailing to the test's SMTP server) behind it."""
    notify = await start_service(notify_spec(smtp=smtp_settings_for(smtp)), settings)
    app = create_app(settings, GatewaySettings())
    try:
        async with serving(app) as client:
            yield app, client
    finally:
        await notify.stop()


async def ask_for_link(http: httpx.AsyncClient, email: str) -> httpx.Response:
    page = await http.get("/staff/sign-in", params={"next": "/staff/admin/accounts"},
                          headers={"Accept-Language": "pt"})
    assert page.status_code == 200 and 'name="_csrf_token"' in page.text
    assert "/staff/sign-in/oidc" not in page.text  # no provider configured: no button
    return await http.post("/staff/sign-in", data={**hidden_fields(page.text), "email": email},
                           headers={"Accept-Language": "pt"})


async def test_a_mailed_link_signs_in_once(http: tuple[Litestar, httpx.AsyncClient],
                                           smtp: SmtpServer, settings: Settings) -> None:
    app, client = http
    person = await account(app, "admin", "Chefe@OAS.example")
    stranger = await ask_for_link(client, "nobody@oas.example")
    answer = await ask_for_link(client, "chefe@oas.example")
    assert answer.status_code == stranger.status_code == 200
    assert text_of(answer.text) == text_of(stranger.text)  # no telling who is staff

    mails = await eventually(lambda: smtp.inbox.messages, 10.0, "the sign-in mail")
    await client.get("/health/live")  # a moment for a stray second mail, if any
    assert len(mails) == 1 and smtp.inbox.recipients == ["chefe@oas.example"]
    mail = parts(mails[0])["text/plain"]
    assert "Entrar" in mail and "Ana admin" in mail  # in the reader's language, by name
    # The link brings the person back to the page they asked for before signing in.
    link = re.search(r"https?://\S+/staff/sign-in/link\?token=[\w-]+"
                     r"&next=%2Fstaff%2Fadmin%2Faccounts", mail)
    assert link is not None, mail
    path = link.group(0).split("/staff", 1)[1]

    shown = await client.get(f"/staff{path}")
    assert shown.status_code == 200 and shown.headers["referrer-policy"] == "no-referrer"
    fields = hidden_fields(shown.text)
    signed = await client.post("/staff/sign-in/link", data=fields)
    assert signed.status_code == 303 and signed.headers["location"] == "/staff/admin/accounts"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("dlg_staff=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag.lower() in cookie.lower(), cookie
    session = cookie.split(";")[0].split("=", 1)[1]
    home = await client.get("/staff/admin/accounts", headers=cookie_header(client, session))
    assert home.status_code == 200 and person.email in home.text

    again = await client.post("/staff/sign-in/link", data=fields)
    assert again.status_code == 410 and "dlg_staff" not in again.headers.get("set-cookie", "")
    gone = await client.get(f"/staff{path}")
    assert gone.status_code == 410

    notify_db = app.state.gateway.client[settings.database_name("notify")]
    logged = str([await notify_db[name].find({}).to_list()
                  for name in await notify_db.list_collection_names()])
    assert "chefe" not in logged.lower() and fields["token"] not in logged


async def test_staff_pages_switch_language_and_remember_it(
        http: tuple[Litestar, httpx.AsyncClient]) -> None:
    """The switcher names each language in itself, keeps the page, and the choice sticks."""
    _, client = http
    page = await client.get("/staff/sign-in", params={"next": "/staff", "lang": "fr"})
    assert '<html lang="fr">' in page.text
    assert 'hreflang="es">Español</a>' in page.text
    assert "/staff/sign-in?next=%2Fstaff&amp;lang=pt" in page.text  # same page, same query
    assert page.cookies.get("lang") == "fr"
    again = await client.get("/staff/sign-in", headers={"Accept-Language": "es"})
    assert '<html lang="fr">' in again.text
