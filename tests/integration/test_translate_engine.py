"""Machine drafts from a LibreTranslate-compatible HTTP server; memory reuse; supersession."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker

from services.translate.settings import TranslateSettings
from shared.contracts.catalog.events import DocumentRevised
from shared.settings import Settings
from tests.fake_libretranslate import Mode, running
from tests.integration.translate_support import (
    english,
    job_of,
    keyed,
    publish,
    publish_document,
    snapshot,
    translate_gateway,
)
from tests.support import eventually

pytestmark = pytest.mark.integration


def engine_settings(url: str, **changes: Any) -> TranslateSettings:
    return TranslateSettings(engine="libretranslate", libretranslate_url=url, timeout=0.3,
                             retries=3, retry_backoff=0.05, breaker_failures=50, **changes)


async def test_a_machine_draft_appears_labelled(settings: Settings, bus_client: NatsBroker
                                                ) -> None:
    with running("ok") as engine:
        async with translate_gateway(settings, engine_settings(engine.url)) as http:
            headers, _ = await keyed(http, "translator")
            await publish_document(bus_client, snapshot("doc-m"))
            summary = await eventually(lambda: job_of(http, headers, "doc-m"), timeout=15)
            url = f"/v1/translations/{summary['id']}"
            job = (await http.get(url, headers=headers)).json()
            first = job["segments"][0]
            await http.post(f"{url}/claim", headers=headers)
            edited = first["target"].replace("[en] ", "[EN] ", 1) + " Indeed."
            await http.put(f"{url}/draft", headers=headers, json={
                "segments": [{"id": first["id"], "target": edited}]})
            changes = (await http.get(f"{url}/changes", headers=headers)).json()
    assert job["machine"] is True
    assert {s["origin"] for s in job["segments"]} == {"machine"}
    assert first["target"].startswith("[en] ") and first["draft_origin"] == "machine"
    assert changes["changed_segments"] == 1
    change = changes["segments"][0]
    assert (change["draft"], change["target"], change["origin"]) == (
        first["target"], edited, "translator")
    assert [op for op in change["diff"] if op["op"] != "equal"] == [
        {"op": "delete", "text": "en"}, {"op": "insert", "text": "EN"},
        {"op": "insert", "text": " Indeed."}]


@pytest.mark.parametrize("mode", ["fail", "slow", "garbage"])
async def test_a_broken_engine_fails_its_job_visibly_without_blocking_others(
    settings: Settings, bus_client: NatsBroker, mode: Mode
) -> None:
    with running("ok") as engine:
        engine.slow_delay = 1.0
        async with translate_gateway(settings, engine_settings(engine.url)) as http:
            headers, _ = await keyed(http, "translator")
            await publish_document(bus_client, snapshot("doc-bad", body=f"Roto #{mode}."))
            for number in range(3):
                await publish_document(bus_client, snapshot(f"doc-ok-{number}"))
            # The healthy documents are drafted while the broken one is still being retried.
            for number in range(3):
                await eventually(lambda n=number: job_of(http, headers, f"doc-ok-{n}"), timeout=15)
            bad = await eventually(lambda: job_of(http, headers, "doc-bad", "failed"), timeout=15)
            job = (await http.get(f"/v1/translations/{bad['id']}", headers=headers)).json()
    assert "after 3 attempts" in job["reason"]
    assert job["history"][-1]["status"] == "failed"


async def test_a_second_document_reuses_the_memory(settings: Settings, bus_client: NatsBroker
                                                   ) -> None:
    async with translate_gateway(settings, TranslateSettings()) as http:
        translator, _ = await keyed(http, "translator")
        boss, _ = await keyed(http, "secretariat")
        await publish_document(bus_client, snapshot("doc-a"))
        first = await eventually(lambda: job_of(http, translator, "doc-a"), timeout=15)
        await approve_in_english(http, first["id"], translator, boss)

        body = ("La contratación pública es clave. La licitación fue abierta por la agencia "
                "ayer. Una frase nueva.")
        await publish_document(bus_client, snapshot("doc-b", body=body))
        second = await eventually(lambda: job_of(http, translator, "doc-b"), timeout=15)
        job = (await http.get(f"/v1/translations/{second['id']}", headers=translator)).json()
        by_source = {s["source"]: s for s in job["segments"]}
        assert by_source["La contratación pública es clave."]["origin"] == "memory"
        assert by_source["La contratación pública es clave."]["target"] == (
            "Public procurement is key.")
        fuzzy = by_source["La licitación fue abierta por la agencia ayer."]
        assert fuzzy["target"] is None
        assert fuzzy["suggestions"][0]["text"] == "The tender was opened by the agency."
        assert fuzzy["suggestions"][0]["score"] >= 75
        assert fuzzy["suggestions"][0]["match"] == round(fuzzy["suggestions"][0]["score"])
        stats = (await http.get("/v1/stats/translation", headers=boss)).json()
        assert stats["memory_segments"] == 2 and stats["memory_reuse"] > 0  # title + sentence
        assert stats["backlog"] == [{"source_language": "es", "target_language": "en",
                                     "open_jobs": 1}]


async def approve_in_english(http: httpx.AsyncClient, job_id: str, translator: dict[str, str],
                             reviewer: dict[str, str]) -> None:
    url = f"/v1/translations/{job_id}"
    job = (await http.get(url, headers=translator)).json()
    draft = {"segments": [{"id": s["id"], "target": english(s["source"])}
                          for s in job["segments"]]}
    assert (await http.post(f"{url}/claim", headers=translator)).status_code == 200
    assert (await http.put(f"{url}/draft", json=draft, headers=translator)).status_code == 200
    assert (await http.post(f"{url}/submit", headers=translator)).status_code == 200
    approved = await http.post(f"{url}/approve", headers=reviewer)
    assert approved.status_code == 200, approved.text


async def test_a_revision_supersedes_open_jobs_and_urgent_jobs_come_first(
    settings: Settings, bus_client: NatsBroker
) -> None:
    async with translate_gateway(settings, TranslateSettings()) as http:
        boss, _ = await keyed(http, "secretariat")
        await publish_document(bus_client, snapshot("doc-r"))
        await publish_document(bus_client, snapshot("doc-s", session_id="session-1"))
        old = await eventually(lambda: job_of(http, boss, "doc-r"), timeout=15)
        await publish(bus_client, DocumentRevised(document=snapshot("doc-r", revision=2)),
                      "rev-doc-r-2")
        await eventually(lambda: job_of(http, boss, "doc-r", "superseded"), timeout=15)
        new = await eventually(lambda: job_of(http, boss, "doc-r"), timeout=15)
        assert (new["revision"], new["id"] != old["id"]) == (2, True)

        pt = await http.post("/v1/translations", headers=boss, json={
            "document_id": "doc-r", "target_language": "pt", "priority": 9})
        assert pt.status_code == 201, pt.text
        assert pt.json()["revision"] == 2
        again = await http.post("/v1/translations", headers=boss, json={
            "document_id": "doc-r", "target_language": "pt"})
        assert again.json()["id"] == pt.json()["id"]  # one job per revision and language
        missing = await http.post("/v1/translations", headers=boss, json={
            "document_id": "nope", "target_language": "pt"})
        assert missing.status_code == 404
        await asyncio.sleep(0.2)
        first = await http.get("/v1/translations", params={"status": "draft_ready", "limit": 1},
                               headers=boss)
        assert first.json()["items"][0]["document_id"] == "doc-s"  # due before its session
        rest = await http.get("/v1/translations", headers=boss, params={
            "status": "draft_ready", "limit": 1, "cursor": first.json()["next_cursor"]})
        assert rest.json()["items"][0]["document_id"] == "doc-r"
        assert (await http.get("/v1/translations", headers=boss, params={
            "status": "nonsense"})).status_code == 400
