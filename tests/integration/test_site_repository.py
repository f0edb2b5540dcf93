"""The public site's repository search and statistics pages against the real services: search
with facets, highlights and pages, and the network in numbers (document pages: see
test_site_documents.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.gateway.settings import GatewaySettings
from tests.integration.site_support import (
    GREEN,
    MARKUP,
    MakeKey,
    assert_cached,
    assert_page_headers,
    published,
    text_of,
)
from tests.support import eventually
from tests.support.sessions import new_session, person

pytestmark = pytest.mark.integration


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


@pytest.fixture
async def editor(gateway_http: httpx.AsyncClient, make_key: MakeKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {await make_key('editor')}"}


async def indexed(http: httpx.AsyncClient, total: int, **params: str) -> None:
    async def found() -> bool:
        return bool((await http.get("/v1/search", params=params)).json()["total"] == total)
    await eventually(found, timeout=10, interval=0.1)


def facet(html: str, query: str) -> tuple[str, str] | None:
    """(text, count) of the facet link to `/search?<query>`, or None."""
    found = re.search(rf'<a href="/search\?{query}"[^>]*>(.*?)<span class="count">(.*?)</span>',
                      html)
    return (text_of(found[1]), found[2]) if found else None


async def test_search_highlights_escapes_filters_and_orders(
        gateway_http: httpx.AsyncClient, editor: dict[str, str]) -> None:
    http = gateway_http
    green, markup = await published(http, editor, GREEN), await published(http, editor, MARKUP)
    await indexed(http, 2, q="sostenible")

    page = await http.get("/search", params={"q": "sostenible", "lang": "pt"})
    assert page.status_code == 200, text_of(page.text)[:300]
    assert_page_headers(page)
    html = page.text
    assert '<html lang="pt">' in html and "2 documentos" in text_of(html)
    assert re.search(r"<mark>[^<]*[Ss]ostenib[^<]*</mark>", html), html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;falso&lt;/b&gt;" in html and "<mark>falso</mark>" not in html
    assert re.search(rf'href="/documents/{green}" lang="es"', html)  # no Portuguese title
    assert facet(html, "q=sostenible&amp;type=guide") == ("Guia", "(1)")
    assert facet(html, "q=sostenible&amp;country=PE") == ("Peru", "(1)")

    narrowed = (await http.get("/search", params={"q": "sostenible", "type": "guide",
                                                  "region": "nowhere", "lang": "es"})).text
    assert "1 documento" in text_of(narrowed) and f"/documents/{markup}" not in narrowed
    # Filters of one kind are alternatives: the other type stays offered, with its count,
    # and the chosen one is a link that removes it.
    assert facet(narrowed, "q=sostenible&amp;type=guide&amp;type=study") == ("Estudio", "(1)")
    assert facet(narrowed, "q=sostenible") == ("Quitar filtro: ✓ Guía", "(1)")
    by_country = (await http.get("/search", params={"q": "sostenible", "country": "pe"})).text
    assert "1 documento" in text_of(by_country) and f"/documents/{green}" not in by_country

    listing = (await http.get("/search")).text  # no words: newest first
    assert listing.index(f"/documents/{markup}") < listing.index(f"/documents/{green}")
    await assert_cached(http, "/search?q=sostenible")


async def test_bad_search_addresses_are_400_pages(gateway_http: httpx.AsyncClient) -> None:
    for params in ({"cursor": "not-a-cursor"}, {"q": "x" * 501}):
        answer = await gateway_http.get("/search", params={**params, "lang": "en"})
        assert answer.status_code == 400
        assert_page_headers(answer)
        assert '<html lang="en">' in answer.text


async def test_search_pages_through_the_listing(
        gateway_http: httpx.AsyncClient, editor: dict[str, str]) -> None:
    for n in range(11):
        await published(gateway_http, editor, {
            "type": "report", "source_language": "en", "title": {"en": f"Quarterly report {n}"},
            "published_on": f"2020-01-{n + 1:02d}"})
    await indexed(gateway_http, 11)
    first = (await gateway_http.get("/search", params={"lang": "en"})).text
    assert "Page 1 of 2" in text_of(first) and 'rel="prev"' not in first
    next_url = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_url is not None
    second = (await gateway_http.get(next_url[1].replace("&amp;", "&"))).text
    assert "Page 2 of 2" in text_of(second) and "Quarterly report 0" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


async def test_the_network_in_numbers(gateway_http: httpx.AsyncClient, make_key: MakeKey,
                                      editor: dict[str, str]) -> None:
    http = gateway_http
    key = await make_key("secretariat")
    session_id = await new_session(http, key, capacity=20)
    for n in range(7):
        answer = await http.post(f"/v1/sessions/{session_id}/registrations", json=person(
            f"p{n}@example.org", country="CL" if n == 6 else "PA"))
        assert answer.status_code in (200, 201), answer.text
    past = datetime.now(UTC) - timedelta(hours=3)
    moved = await http.patch(f"/v1/sessions/{session_id}", headers={"X-API-Key": key}, json={
        "starts_at": past.isoformat(), "ends_at": (past + timedelta(hours=1)).isoformat()})
    assert moved.status_code == 200, moved.text
    await published(http, editor, GREEN)
    await indexed(http, 1)

    # The numbers service counts from the events: once it has everyone, the page draws it.
    async def counted() -> bool:
        answer = (await http.get("/v1/numbers")).json()
        return bool(answer["participants"]["unique"] == 7
                    and answer["publications"]["published"] == 1)
    await eventually(counted, timeout=10, interval=0.1, what="the numbers to count everyone")

    page = await http.get("/numbers", params={"lang": "es"})
    assert page.status_code == 200, text_of(page.text)[:300]
    assert_page_headers(page)
    html = page.text
    assert html.count("<h1>") == 1 and 'role="img"' in html and "<svg" in html
    assert " style=" not in html and 'fill="#00538f"' in html
    assert "<caption>Participantes por país</caption>" in html
    assert re.search(r'<th scope="row">Panamá</th><td class="num">6</td>', html)
    assert re.search(r'<th scope="row">Chile</th><td class="num">menos de 5</td>', html)
    assert re.search(r'<th scope="row">Mujeres</th><td class="num">7</td>', html)
    assert re.search(r'<th scope="row">Guía</th><td class="num">1</td>', html)
    assert "<caption>Sesiones por año</caption>" in html
    assert re.search(rf'<th scope="row">{past.year}</th><td class="num">1</td>', html)
    assert 'href="/v1/numbers"' in html and 'href="/v1/numbers.csv"' in html
    assert re.search(r'<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">'
                     r"[^<]*CC BY 4\.0", html)
    assert "Aún no se han registrado cifras anteriores a este sistema." in html
    await assert_cached(http, "/numbers?lang=es")
    home = text_of((await http.get("/", params={"lang": "es"})).text)
    assert re.search(r"Sesiones realizadas\s*1\s*Participantes\s*7\s*Países\s*2", home), home

    # The same history through the numbers service's public API, licensed and cacheable.
    figures = await http.get("/v1/numbers")
    assert figures.json()["licence"] == "CC-BY-4.0" and 'rel="license"' in figures.headers["link"]
    assert figures.json()["participants"]["by_country"] == {"CL": None, "PA": 6}
    again = await http.get("/v1/numbers", headers={"If-None-Match": figures.headers["etag"]})
    assert again.status_code == 304
    table = await http.get("/v1/numbers.csv")
    assert table.headers["content-type"].startswith("text/csv")
    assert table.text.startswith("# ") and "Licence: CC BY 4.0" in table.text
    assert "participants,by_country,PA,6\n" in table.text
    baseline = {"figure": "publications", "value": 65, "source": "INGP in numbers",
                "as_of": "2019-01-01"}
    assert (await http.post("/v1/numbers/baselines", json=baseline,
                            headers=editor)).status_code == 403
    recorded = await http.post("/v1/numbers/baselines", json=baseline,
                               headers={"X-API-Key": key})
    assert recorded.status_code == 201, recorded.text
    combined = (await http.get("/v1/numbers")).json()["combined"]["publications"]
    assert combined == {"live": 1, "baseline": 65, "total": 66}
    # The page shows the baseline apart, with its source and date, and the total together.
    later = (await http.get("/numbers", params={"lang": "en"})).text
    assert re.search(r'<th scope="row">Publications</th><td class="num">65</td>'
                     r"<td>INGP in numbers</td><td>January 1, 2019</td>", later), later
    assert re.search(r'<th scope="row">Publications</th><td class="num">65</td>'
                     r'<td class="num">1</td><td class="num">66</td>', later)
