"""A session's materials through the real gateway and every service: a session published with
the registration API, then a recording (a link, published at once) and two presentations (a
PDF each, uploaded, then published) attached to it; search with the session filter finds
exactly those, the session's answer lists them in es and en, and translation jobs follow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.gateway.keys import Role
from shared.service import RunningService
from tests.integration.catalog_support import a_pdf, upload
from tests.support import assert_problem, eventually
from tests.support.sessions import plain_session_body

pytestmark = pytest.mark.integration

KeyMaker = Callable[[Role], Awaitable[str]]
VIDEO = "https://video.example.org/watch/panel-2026"


def agenda_session(starts: datetime) -> dict[str, Any]:
    """A session with an agenda of one block and three slots, held in Panama (UTC-5)."""
    def at(minutes: int) -> str:
        return (starts + timedelta(minutes=minutes)).isoformat()
    slots = [
        {"key": "opening", "starts_at": at(0), "ends_at": at(15), "kind": "opening",
         "title": {"es": "Apertura"}, "people": [{"person": "ana", "role": "moderator"}]},
        {"key": "chile", "starts_at": at(15), "ends_at": at(45), "kind": "presentation",
         "title": {"es": "Experiencia de Chile"}, "people": [{"person": "ana",
                                                              "role": "speaker"}]},
        {"key": "peru", "starts_at": at(45), "ends_at": at(75), "kind": "presentation",
         "title": {"es": "Experiencia del Perú"}, "people": [{"person": "ana",
                                                             "role": "speaker"}]},
    ]
    return plain_session_body(
        starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat(),
        people=[{"key": "ana", "name": "Ana Pérez", "country": "CL"}],
        agenda=[{"key": "experiences", "title": {"es": "Experiencias regionales"},
                 "slots": slots}])


async def published_with_agenda(http: httpx.AsyncClient, auth: dict[str, str],
                                catalog_db: Any, starts: datetime) -> str:
    """A published session the catalog has its copy of."""
    created = await http.post("/v1/sessions", json=agenda_session(starts), headers=auth)
    assert created.status_code == 201, created.text
    session_id = str(created.json()["id"])
    published = await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
    assert published.status_code == 200, published.text
    await eventually(lambda: catalog_db["sessions"].find_one({"_id": session_id}), timeout=15,
                     what="the catalog's copy of the session")
    return session_id


async def attach(http: httpx.AsyncClient, auth: dict[str, str], session_id: str,
                 **material: Any) -> httpx.Response:
    return await http.post(f"/v1/sessions/{session_id}/materials", json=material, headers=auth)


async def presentation(http: httpx.AsyncClient, auth: dict[str, str], session_id: str,
                       slot: str, title: dict[str, str], text: str) -> str:
    """A presentation attached as a draft, its PDF uploaded, then published."""
    attached = await attach(http, auth, session_id, kind="presentation", slot=slot,
                            title=title, source_language="es")
    assert attached.status_code == 201, attached.text
    assert attached.json()["status"] == "draft" and attached.json()["slot"] == slot
    doc_id = str(attached.json()["id"])
    stored = await upload(http, auth, doc_id, f"{slot}.pdf", a_pdf(text))
    assert stored.status_code == 201, stored.text
    assert stored.json()["content_type"] == "application/pdf"
    published = await http.post(f"/v1/documents/{doc_id}/publish", headers=auth)
    assert published.status_code == 200, published.text
    return doc_id


async def test_materials_attached_after_a_session_are_found_under_it(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker, catalog_db: Any) -> None:
    http = gateway_http
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    # 23:00 in Panama is 04:00 UTC the next day: materials carry the local date.
    starts = (datetime.now(UTC) + timedelta(days=10)).replace(hour=4, minute=0, second=0,
                                                               microsecond=0)
    session_id = await published_with_agenda(http, auth, catalog_db, starts)

    recorded = await attach(http, auth, session_id, kind="recording",
                            title={"es": "Grabación del panel"}, source_language="es",
                            url=VIDEO, publish=True)
    assert recorded.status_code == 201, recorded.text
    recording = recorded.json()
    assert (recording["type"], recording["status"], recording["url"]) == (
        "recording", "published", VIDEO)
    assert recording["session_id"] == session_id and recording["slot"] is None
    assert recording["topics"] == ["open_data"]
    assert recording["published_on"] == (starts - timedelta(hours=5)).date().isoformat()
    chile = await presentation(http, auth, session_id, "chile",
                               {"es": "Compras en Chile", "en": "Procurement in Chile"},
                               "ChileCompra datos abiertos")
    peru = await presentation(http, auth, session_id, "peru", {"es": "Compras en el Perú"},
                              "OSCE contrataciones")
    # A draft material and a document of no session are not among the session's materials.
    draft = await attach(http, auth, session_id, kind="agreements",
                         title={"es": "Acuerdos"}, source_language="es")
    assert draft.status_code == 201 and draft.json()["type"] == "declaration"
    other = await http.post("/v1/documents", headers=auth, json={
        "type": "presentation", "source_language": "es", "title": {"es": "Compras en Chile"}})
    await http.post(f"/v1/documents/{other.json()['id']}/publish", headers=auth)

    expected = {recording["id"]: None, chile: "chile", peru: "peru"}

    async def found() -> dict[str, Any] | None:
        page = (await http.get("/v1/search", params={"session": session_id})).json()
        return page if page["total"] == 3 else None
    page = await eventually(found, timeout=15, what="three materials in search")
    assert {hit["id"]: hit["slot"] for hit in page["items"]} == expected
    assert {hit["session_id"] for hit in page["items"]} == {session_id}

    spanish = (await http.get(f"/v1/sessions/{session_id}", params={"lang": "es"})).json()
    assert spanish["materials_unavailable"] is False
    assert [(m["document_id"], m["title"], m["title_language"], m["slot"])
            for m in spanish["materials"]] == [
        (recording["id"], "Grabación del panel", "es", None),  # the whole session's first
        (chile, "Compras en Chile", "es", "chile"), (peru, "Compras en el Perú", "es", "peru")]
    assert spanish["materials"][0]["url"] == VIDEO
    english = (await http.get(f"/v1/sessions/{session_id}", params={"lang": "en"})).json()
    assert [(m["title"], m["title_language"]) for m in english["materials"]] == [
        ("Grabación del panel", "es"), ("Procurement in Chile", "en"),
        ("Compras en el Perú", "es")]
    listed = (await http.get(f"/v1/sessions/{session_id}/materials",
                             params={"lang": "en"})).json()["items"]
    # Without the agenda at hand: the whole session's first, then by title as shown.
    assert [(m["document_id"], m["slot"]) for m in listed] == [
        (recording["id"], None), (peru, "peru"), (chile, "chile")]

    async def jobs(document_id: str) -> list[dict[str, Any]] | None:
        answer = await http.get("/v1/translations", headers=auth,
                                params={"document": document_id, "target": "en"})
        items: list[dict[str, Any]] = answer.json()["items"]
        return items or None
    for document_id in (recording["id"], peru):  # Chile's has its English title already
        assert await eventually(lambda d=document_id: jobs(d), timeout=15,
                                what="an English translation job")


async def test_a_material_needs_a_known_session_and_slot(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker, catalog_db: Any) -> None:
    http = gateway_http
    auth = {"Authorization": f"Bearer {await make_key('editor')}"}
    secretariat = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    session_id = await published_with_agenda(
        http, secretariat, catalog_db, datetime.now(UTC) + timedelta(days=12))
    title = {"title": {"es": "Presentación"}, "source_language": "es"}

    unknown = await attach(http, auth, "ses_nobody", kind="presentation", **title)
    assert_problem(unknown, 404)
    bad_slot = await attach(http, auth, session_id, kind="presentation", slot="nowhere", **title)
    body = assert_problem(bad_slot, 422)
    assert [e["field"] for e in body["errors"]] == ["slot"]
    bad_kind = await attach(http, auth, session_id, kind="minutes", **title)
    assert [e["field"] for e in assert_problem(bad_kind, 422)["errors"]] == [
        "kind"]
    reader = {"Authorization": f"Bearer {await make_key('translator')}"}
    assert_problem(await attach(http, reader, session_id, kind="presentation", **title), 403)
    assert (await http.get("/v1/search", params={"session": session_id})).json()["total"] == 0


async def test_the_session_answers_without_its_materials_when_the_catalog_is_away(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker,
        running_services: dict[str, RunningService]) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    created = await gateway_http.post("/v1/sessions", headers=auth, json=plain_session_body())
    session_id = created.json()["id"]
    await gateway_http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
    await running_services.pop("catalog").stop()

    answer = await gateway_http.get(f"/v1/sessions/{session_id}", params={"lang": "es"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == session_id
    assert (answer.json()["materials"], answer.json()["materials_unavailable"]) == (None, True)
