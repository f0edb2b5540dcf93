"""The public site's session pages against the real services: find, register through the
form, read and cancel one's registration with the mailed token."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.gateway.app import create_app
from services.gateway.keys import Role
from services.gateway.settings import GatewaySettings
from services.gateway.site.formatting import Reader
from services.gateway.site.participant import deadline_words
from shared.settings import Settings
from shared.tokens import Signer
from tests.integration.gateway_support import wait_clear_of_window_end
from tests.integration.site_support import hidden_fields, submit, text_of
from tests.support import serving
from tests.support.sessions import person, published_session

pytestmark = pytest.mark.integration

SESSION_LINK = re.compile(r'href="/sessions/(?!calendar)([^"/]+)"')
FORM = {k: v for k, v in person().items() if k != "consent"} | {"consent": "true"}


def form_for(email: str, **changes: str) -> dict[str, str]:
    return {**{k: str(v) for k, v in FORM.items()}, "email": email, **changes}


async def registrations(http: httpx.AsyncClient, key: str, session_id: str) -> list[dict]:
    found = await http.get(f"/v1/sessions/{session_id}/registrations",
                           headers={"X-API-Key": key})
    assert found.status_code == 200, found.text
    items: list[dict] = found.json()["items"]
    return items


def cancel_token(settings: Settings, registration_id: str, *, ttl: timedelta) -> str:
    return Signer(settings.token_secret).issue(registration_id, "cancel_registration",
                                               now=datetime.now(UTC), ttl=ttl)


@pytest.fixture
async def secretariat(gateway_http: httpx.AsyncClient,
                      make_key: Callable[[Role], Awaitable[str]]) -> str:
    return await make_key("secretariat")


async def test_a_person_registers_through_the_form_once(
        gateway_http: httpx.AsyncClient, secretariat: str) -> None:
    http = gateway_http
    session_id = await published_session(http, secretariat, capacity=1)
    page = await http.get(f"/sessions/{session_id}", headers={"Accept-Language": "es"})
    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert "Contratación abierta" in page.text and "Inscribirse" in page.text
    assert 'name="_csrf_token"' in page.text and "private" in page.headers["cache-control"]

    fields = {**hidden_fields(page.text), **form_for("ana@example.org")}
    first = await http.post(f"/sessions/{session_id}/register", data=fields)
    again = await http.post(f"/sessions/{session_id}/register", data=fields)  # double click
    assert first.status_code == 200, text_of(first.text)[:400]
    assert "Su plaza está confirmada" in text_of(first.text)
    assert again.status_code == 200 and "Su plaza está confirmada" in text_of(again.text)
    assert len(await registrations(http, secretariat, session_id)) == 1

    second = await submit(http, f"/sessions/{session_id}", f"/sessions/{session_id}/register",
                          form_for("bea@example.org"))
    assert second.status_code == 200
    assert re.search(r"lista de espera: 1\b", text_of(second.text)), text_of(second.text)


async def test_a_refused_form_names_each_field_and_keeps_what_was_typed(
        gateway_http: httpx.AsyncClient, secretariat: str) -> None:
    session_id = await published_session(gateway_http, secretariat)
    answer = await submit(gateway_http, f"/sessions/{session_id}",
                          f"/sessions/{session_id}/register",
                          form_for("not-an-address", name="Zoë <b>Q</b>", consent=""),
                          lang="en")
    assert answer.status_code == 422
    assert "<title>Error:" in answer.text
    assert 'href="#email"' in answer.text and 'href="#consent"' in answer.text
    assert "Enter your e-mail address as name@example.org" in answer.text
    assert 'value="not-an-address"' in answer.text
    assert 'value="Zoë &lt;b&gt;Q&lt;/b&gt;"' in answer.text  # kept, and escaped
    assert 'aria-describedby="email-hint email-error"' in answer.text
    assert await registrations(gateway_http, secretariat, session_id) == []
    # The messages are the reader's language's, and the switcher leads back to the session.
    spanish = await submit(gateway_http, f"/sessions/{session_id}",
                           f"/sessions/{session_id}/register", form_for("nope"), lang="es")
    assert "Escriba su correo electrónico como nombre@ejemplo.org" in spanish.text
    assert f'href="/sessions/{session_id}?lang=pt"' in spanish.text


async def test_a_form_without_its_csrf_token_is_refused_with_a_page(
        gateway_http: httpx.AsyncClient, secretariat: str) -> None:
    session_id = await published_session(gateway_http, secretariat)
    answer = await gateway_http.post(f"/sessions/{session_id}/register",
                                     data=form_for("eve@example.org"))
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert await registrations(gateway_http, secretariat, session_id) == []


async def test_the_mailed_link_shows_then_cancels_and_promotes_the_next(
        gateway_http: httpx.AsyncClient, secretariat: str, settings: Settings) -> None:
    http = gateway_http
    session_id = await published_session(http, secretariat, capacity=1,
                                         join_url="https://meet.example.org/abc")
    for email in ("ana@example.org", "bea@example.org"):
        await submit(http, f"/sessions/{session_id}", f"/sessions/{session_id}/register",
                     form_for(email))
    by_email = {r["email"]: r for r in await registrations(http, secretariat, session_id)}
    ana = cancel_token(settings, by_email["ana@example.org"]["id"], ttl=timedelta(days=1))
    bea = cancel_token(settings, by_email["bea@example.org"]["id"], ttl=timedelta(days=1))

    mine = await http.get("/registrations/cancel", params={"token": ana, "lang": "en"})
    assert mine.status_code == 200 and "Confirmed" in mine.text
    assert "https://meet.example.org/abc" in mine.text
    assert mine.headers["referrer-policy"] == "no-referrer"
    assert mine.headers["cache-control"] == "no-store"
    waiting = await http.get("/registrations/cancel", params={"token": bea, "lang": "en"})
    assert "On the waiting list" in waiting.text and "meet.example.org" not in waiting.text
    assert "meet.example.org" not in (await http.get(f"/sessions/{session_id}")).text

    # Following links (as a mail scanner does) changes nothing.
    await http.get("/registrations/cancel", params={"token": ana, "confirm": "1"})
    assert by_email["ana@example.org"]["status"] == "confirmed"
    done = await submit(http, "/registrations/cancel", "/registrations/cancel", {},
                        token=ana, confirm="1", lang="en")
    assert done.status_code == 200 and "Your registration is cancelled" in done.text
    now = {r["email"]: r["status"] for r in await registrations(http, secretariat, session_id)}
    assert now == {"ana@example.org": "cancelled", "bea@example.org": "confirmed"}
    promoted = await http.get("/registrations/cancel", params={"token": bea, "lang": "en"})
    assert "https://meet.example.org/abc" in promoted.text


async def test_expired_and_bad_links_get_pages_that_say_so(
        gateway_http: httpx.AsyncClient, secretariat: str, settings: Settings) -> None:
    expired = cancel_token(settings, "reg_unknown", ttl=timedelta(seconds=-5))
    answer = await gateway_http.get("/registrations/cancel",
                                    params={"token": expired, "lang": "pt"})
    assert answer.status_code == 410 and "Este link expirou" in answer.text
    assert 'href="/sessions"' in answer.text
    bad = await gateway_http.get("/registrations/cancel",
                                 params={"token": expired[:-3] + "xyz"})
    assert bad.status_code == 403 and bad.headers["content-type"].startswith("text/html")
    post = await submit(gateway_http, "/sessions", "/registrations/cancel", {"token": "nope"})
    assert post.status_code == 403


async def test_sessions_are_listed_filtered_and_paged(
        gateway_http: httpx.AsyncClient, secretariat: str) -> None:
    http = gateway_http
    soon = datetime.now(UTC) + timedelta(days=3)
    ids = [await published_session(http, secretariat, starts_at=(soon + timedelta(days=i))
                                   .isoformat(), ends_at=(soon + timedelta(days=i, hours=1))
                                   .isoformat(), title={"es": f"Sesión {i}", "en": f"S {i}"},
                                   topics=["msmes"] if i % 2 else ["open_data"])
           for i in range(12)]
    listed = await http.get("/sessions")
    assert listed.status_code == 200 and listed.headers["cache-control"].startswith("public")
    again = await http.get("/sessions", headers={"If-None-Match": listed.headers["etag"]})
    assert again.status_code == 304
    shown = SESSION_LINK.findall(listed.text)
    assert shown == ids[:10]  # soonest first, ten a page
    following = re.search(r'href="/sessions\?([^"]*cursor=[^"]+)"', listed.text)
    assert following is not None
    rest = await http.get("/sessions?" + following.group(1).replace("&amp;", "&"))
    assert SESSION_LINK.findall(rest.text) == ids[10:]
    msmes = await http.get("/sessions", params={"topic": "msmes"})
    assert SESSION_LINK.findall(msmes.text) == ids[1::2][:10]
    assert "Subscribe" in (await http.get("/sessions", params={"lang": "en"})).text
    feed = await http.get("/sessions/calendar.ics")
    assert feed.status_code == 200 and feed.text.count("BEGIN:VEVENT") == 12


async def test_pages_speak_the_readers_language_and_carry_safe_headers(
        gateway_http: httpx.AsyncClient) -> None:
    http = gateway_http
    assert '<html lang="es">' in (await http.get("/")).text
    french = await http.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in french.text and french.headers["content-language"] == "fr"
    chosen = await http.get("/", params={"lang": "pt"})
    assert '<html lang="pt">' in chosen.text and "lang=pt" in chosen.headers["set-cookie"]
    remembered = await http.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="pt">' in remembered.text  # the cookie outranks the browser
    for code in ("es", "en", "fr"):
        assert f'hreflang="{code}"' in chosen.text
    policy = chosen.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert chosen.headers["x-content-type-options"] == "nosniff"
    stylesheet = re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', chosen.text)
    assert stylesheet is not None
    css = await http.get(stylesheet.group(1))
    assert css.status_code == 200 and "immutable" in css.headers["cache-control"]
    assert (await http.get("/static/site.000000000000.css")).status_code == 404


async def test_errors_are_pages_for_people_and_problems_for_programs(
        gateway_http: httpx.AsyncClient) -> None:
    page = await gateway_http.get("/no/such/page", headers={"Accept-Language": "en"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text and "Traceback" not in page.text
    missing = await gateway_http.get("/sessions/ses_missing", params={"lang": "fr"})
    assert missing.status_code == 404 and "Page introuvable" in missing.text
    api = await gateway_http.get("/v1/sessions/ses_missing")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")


async def test_too_many_requests_get_a_page_that_says_when_to_come_back(
        settings: Settings, gateway_settings: GatewaySettings,
        running_services: dict[str, object]) -> None:
    app = create_app(settings, gateway_settings.model_copy(update={"public_rate_limit": 2}))
    async with serving(app) as http:
        wait_clear_of_window_end()
        for _ in range(2):
            assert (await http.get("/sessions/none", params={"lang": "fr"})).status_code == 404
        limited = await http.get("/sessions", params={"lang": "fr"})
        assert limited.status_code == 429
        assert limited.headers["content-type"].startswith("text/html")
        assert "Trop de demandes" in limited.text and int(limited.headers["retry-after"]) >= 1
        # Static files are not counted: a page's stylesheet never tips a reader over.
        assert (await http.get("/favicon.ico")).status_code == 200


async def test_the_result_page_says_what_to_do_next_in_each_case(
        gateway_http: httpx.AsyncClient, secretariat: str) -> None:
    http = gateway_http

    async def result(session_id: str, email: str) -> str:
        answer = await submit(http, f"/sessions/{session_id}",
                              f"/sessions/{session_id}/register", form_for(email), lang="es")
        assert answer.status_code == 200, text_of(answer.text)[:400]
        return text_of(answer.text)

    one_seat = await published_session(http, secretariat, capacity=1)
    assert "Su plaza está confirmada" in await result(one_seat, "ana@example.org")
    assert re.search(r"lista de espera: 1\b", await result(one_seat, "bea@example.org"))
    # A repeat, from another browser: mailed, and not a word of the registration's status.
    again = await result(one_seat, "ANA@example.org")
    assert "Revise su correo" in again and "ya está inscrito en esta sesión" in again
    assert "confirmada" not in again and "lista de espera" not in again

    approval = await published_session(http, secretariat, requires_approval=True)
    assert "La secretaría revisa cada inscripción" in await result(approval, "ana@example.org")

    held = await published_session(http, secretariat, capacity=1, hold_until_confirmed=True,
                                   confirmation_minutes=45)
    before = datetime.now(UTC) + timedelta(minutes=45)
    seat = await result(held, "ana@example.org")
    after = datetime.now(UTC) + timedelta(minutes=45)
    assert "Confirme su correo electrónico" in seat
    deadlines = [deadline_words(Reader("es"), moment, "America/Panama")
                 for moment in (before, after)]
    assert any(f"antes de las {d['time']} del {d['date']} (hora de Panamá)" in seat
               for d in deadlines), seat
    assert "Mientras tanto le reservamos una plaza" in seat
    assert "El enlace para participar en la sesión se envía solo cuando" in seat
    waiting = await result(held, "bea@example.org")
    assert "Mientras tanto le guardamos su lugar en la lista de espera: 1." in waiting
