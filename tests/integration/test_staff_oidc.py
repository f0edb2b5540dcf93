"""Signing in with an OpenID Connect provider, against a real (minimal) provider served over
HTTP in the test: the code flow with PKCE, state and nonce opens the same staff session as a
mailed link; an ID token with a wrong nonce or audience, an unverified address, an address
of no account, or a callback from another browser signs no one in and says why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from litestar import Litestar

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.settings import Settings
from tests.integration.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from tests.integration.site_support import hidden_fields, text_of
from tests.integration.staff_support import account, cookie_header
from tests.support import serving

pytestmark = pytest.mark.integration
Stack = tuple[Litestar, httpx.AsyncClient, Provider]


@pytest.fixture
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    """The gateway (no service behind it: sign-in needs only its database) and a provider."""
    async with running_provider() as provider:
        app = create_app(settings, GatewaySettings(
            staff_oidc_issuer=provider.issuer, staff_oidc_client_id=CLIENT_ID,
            staff_oidc_client_secret=CLIENT_SECRET, staff_oidc_name="OAS Login"))
        async with serving(app) as client:
            yield app, client, provider


def cookie_value(answer: httpx.Response, name: str) -> str | None:
    """The value a Set-Cookie of the answer gives `name` (httpx keeps Secure ones for https)."""
    for header in answer.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header.split(";")[0].split("=", 1)[1]
    return None


async def through_provider(client: httpx.AsyncClient, lang: str = "es",
                           same_browser: bool = True) -> httpx.Response:
    """Press the provider's button, let it approve, and come back: the callback's answer."""
    page = await client.get("/staff/sign-in", params={"next": "/staff/admin/accounts",
                                                      "lang": lang})
    assert 'action="/staff/sign-in/oidc"' in page.text
    forms = page.text.split('action="/staff/sign-in/oidc"')[1]
    started = await client.post("/staff/sign-in/oidc", data=hidden_fields(forms))
    assert started.status_code == 303, text_of(started.text)[:300]
    flow = cookie_value(started, "dlg_oidc")
    assert flow and "httponly" in started.headers["set-cookie"].lower()
    async with httpx.AsyncClient() as browser:  # the provider, over real HTTP
        approved = await browser.get(started.headers["location"])
    assert approved.status_code == 302
    back = urlsplit(approved.headers["location"])
    assert back.path == "/staff/sign-in/oidc/callback"
    jar = {k: v for k, v in client.cookies.items() if k != "dlg_oidc"}
    cookies = {**jar, "lang": lang, **({"dlg_oidc": flow} if same_browser else {})}
    return await client.get(f"{back.path}?{back.query}", headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})


async def test_the_provider_signs_a_staff_member_in(stack: Stack) -> None:
    app, client, provider = stack
    person = await account(app, "admin", "Ana@OAS.example")
    page = await client.get("/staff/sign-in", params={"lang": "es"})
    assert "Entrar con OAS Login" in text_of(page.text)

    started = await client.post("/staff/sign-in/oidc", data=hidden_fields(page.text))
    asked = parse_qs(urlsplit(started.headers["location"]).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["state"] and asked["nonce"]
    assert asked["redirect_uri"] == ["http://127.0.0.1:8000/staff/sign-in/oidc/callback"]

    signed = await through_provider(client)
    assert signed.status_code == 303, text_of(signed.text)[:300]
    assert signed.headers["location"] == "/staff/admin/accounts"
    session = cookie_value(signed, "dlg_staff")
    assert session and any(h.startswith("dlg_oidc=") and "max-age=0" in h.lower()
                           for h in signed.headers.get_list("set-cookie"))  # flow forgotten
    cookie = next(h for h in signed.headers.get_list("set-cookie") if h.startswith("dlg_staff"))
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag.lower() in cookie.lower(), cookie
    desk = await client.get("/staff/admin/accounts", headers=cookie_header(client, session))
    assert desk.status_code == 200 and person.email in desk.text
    assert provider.token_requests == 1  # the code was exchanged, with the PKCE verifier


REFUSALS: list[tuple[dict[str, Any], str, str]] = [
    ({"nonce": "someone-elses"}, "fr", "n’a pas pu être vérifiée"),
    ({"aud": "another-client"}, "en", "could not be checked"),
    ({"iss": "https://impostor.example"}, "es", "No se pudo comprobar"),
    ({"email_verified": False}, "pt", "não confirmou o seu endereço"),
    ({"email": "stranger@oas.example"}, "en", "No active staff account"),
]


async def test_what_does_not_hold_signs_no_one_in(stack: Stack) -> None:
    app, client, provider = stack
    await account(app, "admin", "ana@oas.example")
    for claims, lang, says in REFUSALS:
        provider.claims = claims
        refused = await through_provider(client, lang)
        assert refused.status_code == 403, (claims, text_of(refused.text)[:300])
        assert says in text_of(refused.text), (claims, text_of(refused.text))
        assert f'<html lang="{lang}"' in refused.text
        assert cookie_value(refused, "dlg_staff") is None

    provider.claims = {}
    elsewhere = await through_provider(client, "en", same_browser=False)
    assert elsewhere.status_code == 403 and "another browser" in text_of(elsewhere.text)
    assert cookie_value(elsewhere, "dlg_staff") is None
