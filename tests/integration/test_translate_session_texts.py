"""A session's texts are translated through translation jobs, end to end: a session written in
English is published through the gateway, translate queues a Spanish job, translators draft,
submit and approve it through the translate API, and the session answers in Spanish. Every
service runs, on the real NATS and MongoDB."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.gateway.keys import Role
from shared.service import RunningService
from tests.support import eventually
from tests.support.sessions import plain_session_body

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]
SLOT = "agenda.regional.slots.chile.title"
SPANISH = {
    "Open contracting in the Americas": "Contratación abierta en las Américas",
    "Open data in procurement.": "Datos abiertos en las compras.",
    "Procurement is changing.": "Las compras están cambiando.",
    "Public money deserves daylight.": "El dinero público merece luz.",
    "The Chilean experience": "La experiencia chilena",
    "Open contracting, ten years on": "Contratación abierta, diez años después",
}


def english_session() -> dict[str, Any]:
    """A session with every text in English only: title, summary, rationale, a slot title."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    return plain_session_body(
        title={"en": "Open contracting in the Americas"},
        summary={"en": "Open data in procurement."},
        rationale={"en": "Procurement is changing. Public money deserves daylight."},
        starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat(),
        agenda=[{"key": "regional", "title": {}, "slots": [{
            "key": "chile", "kind": "presentation", "title": {"en": "The Chilean experience"},
            "starts_at": (starts + timedelta(minutes=15)).isoformat(),
            "ends_at": (starts + timedelta(minutes=30)).isoformat()}]}])


async def spanish_job(http: httpx.AsyncClient, auth: dict[str, str], session_id: str,
                      revision: int) -> dict[str, Any]:
    """The whole Spanish job of the session's text revision, once it waits for a translator."""
    async def ready() -> dict[str, Any] | None:
        page = await http.get("/v1/translations", headers=auth,
                              params={"document": session_id, "target": "es"})
        assert page.status_code == 200, page.text
        found = [item for item in page.json()["items"]
                 if item["revision"] == revision and item["status"] == "draft_ready"]
        return found[0] if found else None
    summary = await eventually(ready, timeout=20, what="the Spanish job")
    job = await http.get(f"/v1/translations/{summary['id']}", headers=auth)
    assert job.status_code == 200, job.text
    result: dict[str, Any] = job.json()
    return result


async def translated_and_approved(http: httpx.AsyncClient, job: dict[str, Any],
                                  translator: dict[str, str], reviewer: dict[str, str]) -> None:
    """As translators work: claim, draft every segment, submit; another person approves."""
    url = f"/v1/translations/{job['id']}"
    assert (await http.post(f"{url}/claim", headers=translator)).status_code == 200
    draft = {"segments": [{"id": segment["id"], "target": SPANISH[segment["source"]]}
                          for segment in job["segments"]]}
    assert (await http.put(f"{url}/draft", json=draft, headers=translator)).status_code == 200
    assert (await http.post(f"{url}/submit", headers=translator)).status_code == 200
    approved = await http.post(f"{url}/approve", headers=reviewer)
    assert approved.json()["job"]["status"] == "approved", approved.text


async def test_a_sessions_english_texts_are_answered_in_spanish_once_translated(
    gateway_http: httpx.AsyncClient, make_key: MakeKey,
    running_services: dict[str, RunningService],
) -> None:
    boss = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    translator = {"Authorization": f"Bearer {await make_key('translator')}"}
    created = await gateway_http.post("/v1/sessions", json=english_session(), headers=boss)
    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    published = await gateway_http.post(f"/v1/sessions/{session_id}/publish", headers=boss)
    assert published.status_code == 200, published.text

    job = await spanish_job(gateway_http, translator, session_id, revision=1)
    assert (job["subject"], job["source_language"]) == ("session", "en")
    assert {segment["field"] for segment in job["segments"]} == {
        "title", "summary", "rationale", SLOT}
    await translated_and_approved(gateway_http, job, translator, boss)

    async def in_spanish() -> dict[str, Any] | None:
        answer = (await gateway_http.get(f"/v1/sessions/{session_id}")).json()
        return answer if "es" in answer["title"] else None
    answer = await eventually(in_spanish, timeout=20, what="the session in Spanish")
    assert answer["title"] == {"en": "Open contracting in the Americas",
                               "es": "Contratación abierta en las Américas"}
    assert answer["summary"]["es"] == "Datos abiertos en las compras."
    assert answer["rationale"]["es"] == ("Las compras están cambiando. "
                                         "El dinero público merece luz.")
    assert answer["agenda"][0]["slots"][0]["title"]["es"] == "La experiencia chilena"

    # The secretariat edits the English title and writes its own Spanish summary: the next
    # text revision's job translates only the title, and the Spanish summary stays theirs.
    edited = await gateway_http.patch(f"/v1/sessions/{session_id}", headers=boss, json={
        "title": {"en": "Open contracting, ten years on"},
        "summary": {"en": "Open data in procurement.", "es": "Resumen de la secretaría."}})
    assert edited.status_code == 200, edited.text
    second = await spanish_job(gateway_http, translator, session_id, revision=2)
    assert [segment["source"] for segment in second["segments"]] == [
        "Open contracting, ten years on"]
    await translated_and_approved(gateway_http, second, translator, boss)

    async def retitled() -> dict[str, Any] | None:
        answer = (await gateway_http.get(f"/v1/sessions/{session_id}")).json()
        return answer if answer["title"].get("es") == SPANISH[
            "Open contracting, ten years on"] else None
    answer = await eventually(retitled, timeout=20, what="the new title in Spanish")
    assert answer["summary"] == {"en": "Open data in procurement.",
                                 "es": "Resumen de la secretaría."}
