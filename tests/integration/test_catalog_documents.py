"""Documents through the gateway: lifecycle, revisions, languages, bad input, statistics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest

from services.gateway.keys import Role
from tests.support import assert_problem

pytestmark = pytest.mark.integration

KeyMaker = Callable[[Role], Awaitable[str]]

DRAFT = {
    "type": "guide", "source_language": "es",
    "title": {"es": "Guía de licitaciones electrónicas"},
    "summary": {"es": "Cómo abrir las compras públicas."},
    "body": {"es": "Las licitaciones electrónicas reducen costos."},
    "topics": ["e_procurement", "transparency_integrity"], "countries": ["cl", "MX"],
    "authors": ["Unidad de Compras"], "published_on": "2025-06-01",
}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_a_document_lives_from_draft_to_tombstone(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker) -> None:
    editor = auth(await make_key("editor"))
    created = await gateway_http.post("/v1/documents", json=DRAFT, headers=editor)
    assert created.status_code == 201, created.text
    doc = created.json()
    doc_id = doc["id"]
    assert doc["status"] == "draft" and doc["revision"] == 1
    assert doc["countries"] == ["CL", "MX"]
    assert doc["regions"] == ["southern_cone", "north_america"]
    assert doc["languages"]["es"]["status"] == "original"
    assert doc["languages"]["en"]["status"] == "missing"
    assert_problem(await gateway_http.get(f"/v1/documents/{doc_id}"), 404)  # drafts are private
    editing = await gateway_http.get(f"/v1/documents/{doc_id}/editing", headers=editor)
    assert editing.status_code == 200 and editing.json()["status"] == "draft"
    assert_problem(await gateway_http.get(f"/v1/documents/{doc_id}/editing"), 401)

    draft_edit = await gateway_http.patch(f"/v1/documents/{doc_id}", headers=editor,
                                          json={"topics": ["e_procurement"]})
    assert draft_edit.json()["revision"] == 1  # a draft changes in place

    published = await gateway_http.post(f"/v1/documents/{doc_id}/publish", headers=editor)
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert_problem(await gateway_http.post(f"/v1/documents/{doc_id}/publish", headers=editor),
                   409)

    read = await gateway_http.get(f"/v1/documents/{doc_id}", params={"lang": "en"})
    assert read.status_code == 200
    body = read.json()
    assert (body["served_language"], body["requested_language"], body["fallback"]) == (
        "es", "en", True)
    assert body["title"] == "Guía de licitaciones electrónicas"
    assert read.headers["content-language"] == "es"

    revised = await gateway_http.patch(
        f"/v1/documents/{doc_id}", headers=editor,
        json={"title": {"es": "Guía de licitaciones", "en": "Guide to e-tenders"}})
    assert revised.status_code == 200 and revised.json()["revision"] == 2
    english = (await gateway_http.get(f"/v1/documents/{doc_id}", params={"lang": "en"})).json()
    assert (english["served_language"], english["fallback"]) == ("en", False)
    assert english["title"] == "Guide to e-tenders"

    history = (await gateway_http.get(f"/v1/documents/{doc_id}/revisions")).json()
    assert [(r["revision"], r["current"]) for r in history["items"]] == [(2, True), (1, False)]
    old = await gateway_http.get(f"/v1/documents/{doc_id}/revisions/1")
    assert old.status_code == 200, old.text
    assert old.json()["title"] == "Guía de licitaciones electrónicas"
    assert_problem(await gateway_http.get(f"/v1/documents/{doc_id}/revisions/7"), 404)
    paged = (await gateway_http.get(f"/v1/documents/{doc_id}/revisions",
                                    params={"limit": 1})).json()
    assert len(paged["items"]) == 1 and paged["next_cursor"]
    rest = (await gateway_http.get(f"/v1/documents/{doc_id}/revisions",
                                   params={"limit": 1, "cursor": paged["next_cursor"]})).json()
    assert [r["revision"] for r in rest["items"]] == [1] and rest["next_cursor"] is None

    gone = await gateway_http.post(f"/v1/documents/{doc_id}/withdraw", headers=editor,
                                   json={"reason": "superseded"})
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"
    tombstone = assert_problem(await gateway_http.get(f"/v1/documents/{doc_id}"), 410)
    assert tombstone["tombstone"]["id"] == doc_id  # type: ignore[index]
    assert tombstone["tombstone"]["reason"] == "superseded"  # type: ignore[index]
    assert_problem(await gateway_http.patch(f"/v1/documents/{doc_id}", headers=editor,
                                            json={"topics": ["msmes"]}), 410)


async def test_writes_need_an_editor_key(gateway_http: httpx.AsyncClient,
                                         make_key: KeyMaker) -> None:
    assert_problem(await gateway_http.post("/v1/documents", json=DRAFT), 401)
    translator = auth(await make_key("translator"))
    assert_problem(await gateway_http.post("/v1/documents", json=DRAFT, headers=translator), 403)


@pytest.mark.parametrize(("change", "field"), [
    ({"type": "novel"}, "type"),
    ({"source_language": "de"}, "source_language"),
    ({"title": {"de": "Titel"}}, "title"),
    ({"countries": ["ES"]}, "countries"),
    ({"title": {"en": "Only English"}}, "title"),
    ({"topics": ["astrology"]}, "topics"),
    ({"unknown_field": 1}, "unknown_field"),
])
async def test_bad_documents_are_refused_naming_the_field(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker, change: dict[str, object],
        field: str) -> None:
    editor = auth(await make_key("editor"))
    response = await gateway_http.post("/v1/documents", json={**DRAFT, **change}, headers=editor)
    assert response.status_code in (400, 422), response.text
    problem = assert_problem(response, response.status_code)
    assert field in str(problem.get("errors") or problem["detail"])


async def test_bad_reads_are_problems(gateway_http: httpx.AsyncClient) -> None:
    assert_problem(await gateway_http.get("/v1/documents/doc_nothing"), 404)
    for odd in ("with%20space", "%C3%A9t%C3%A9", "x" * 101, "a%00b"):
        odd_id = await gateway_http.get(f"/v1/documents/{odd}")
        assert odd_id.status_code in (400, 404), odd_id.text
        assert_problem(odd_id, odd_id.status_code)
        odd_file = await gateway_http.get(f"/v1/documents/doc_1/files/{odd}")
        assert odd_file.status_code in (400, 404), odd_file.text
    bad_lang = await gateway_http.get("/v1/documents/doc_nothing", params={"lang": "xx"})
    assert bad_lang.status_code in (400, 422)
    for cursor in ("!!", "MA", "LTE"):  # not base64; "0"; "-1"
        assert_problem(await gateway_http.get("/v1/documents/doc_nothing/revisions",
                                              params={"cursor": cursor}), 400)


async def test_statistics_count_published_documents(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker) -> None:
    editor = auth(await make_key("editor"))
    for title in ({"es": "Uno", "en": "One"}, {"es": "Dos"}):
        doc = (await gateway_http.post("/v1/documents", headers=editor,
                                       json={**DRAFT, "title": title})).json()
        await gateway_http.post(f"/v1/documents/{doc['id']}/publish", headers=editor)
    await gateway_http.post("/v1/documents", headers=editor, json=DRAFT)  # a draft: not counted
    stats = await gateway_http.get("/v1/stats/catalog", headers=editor)
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert body["documents"] == 2 and body["by_type"] == {"guide": 2}
    assert body["by_topic"]["e_procurement"] == 2 and body["by_year"] == {"2025": 2}
    assert body["by_language"] == {"es": 2, "en": 1}
    assert body["readable_in_es_and_en"] == 1
    assert_problem(await gateway_http.get("/v1/stats/catalog"), 401)


async def test_concurrent_edits_each_make_a_revision_and_none_is_lost(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker) -> None:
    editor = auth(await make_key("editor"))
    doc_id = (await gateway_http.post("/v1/documents", json=DRAFT, headers=editor)).json()["id"]
    await gateway_http.post(f"/v1/documents/{doc_id}/publish", headers=editor)
    summaries = [f"Resumen número {n}" for n in range(5)]
    answers = await asyncio.gather(*(
        gateway_http.patch(f"/v1/documents/{doc_id}", headers=editor,
                           json={"summary": {"es": text}, "authors": [f"Autor {n}"]})
        for n, text in enumerate(summaries)))
    assert all(answer.status_code == 200 for answer in answers), [a.text for a in answers]
    assert sorted(answer.json()["revision"] for answer in answers) == [2, 3, 4, 5, 6]
    history = (await gateway_http.get(f"/v1/documents/{doc_id}/revisions")).json()["items"]
    assert [item["revision"] for item in history] == [6, 5, 4, 3, 2, 1]
    seen = set()
    for revision in range(2, 6):
        old = (await gateway_http.get(f"/v1/documents/{doc_id}/revisions/{revision}")).json()
        seen.add(old["summary"])
    current = (await gateway_http.get(f"/v1/documents/{doc_id}")).json()
    assert seen | {current["summary"]} == set(summaries)  # every edit is some revision


async def test_withdrawing_needs_no_body_and_only_a_published_document(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker) -> None:
    editor = auth(await make_key("editor"))
    doc_id = (await gateway_http.post("/v1/documents", json=DRAFT, headers=editor)).json()["id"]
    assert_problem(await gateway_http.post(f"/v1/documents/{doc_id}/withdraw", headers=editor),
                   409)
    await gateway_http.post(f"/v1/documents/{doc_id}/publish", headers=editor)
    gone = await gateway_http.post(f"/v1/documents/{doc_id}/withdraw", headers=editor)
    assert gone.status_code == 200, gone.text
    assert_problem(await gateway_http.get(f"/v1/documents/{doc_id}/revisions"), 410)
    assert_problem(await gateway_http.post(f"/v1/documents/{doc_id}/withdraw", headers=editor),
                   410)
