"""The translation queue end to end: catalog event in, human review through the gateway,
the completion event out to the catalog, against real NATS, MongoDB and the real gateway."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import nats
import pytest
from faststream.nats import NatsBroker

from services.translate.settings import TranslateSettings
from shared.contracts.catalog.events import DocumentTranslated
from shared.settings import Settings
from tests.integration.translate_support import (
    english,
    job_of,
    keyed,
    publish,
    publish_document,
    snapshot,
    translate_gateway,
)
from tests.support import assert_problem, eventually

pytestmark = pytest.mark.integration


async def completed_events(url: str) -> list[dict[str, Any]]:
    """Every `translate.job.completed.v1` on the stream, as the catalog would read them."""
    connection = await nats.connect(url)
    js = connection.jetstream()
    found: list[dict[str, Any]] = []
    subscription = await js.subscribe("translate.job.completed.v1", ordered_consumer=True)
    while True:
        try:
            message = await subscription.next_msg(timeout=0.5)
        except TimeoutError:
            break
        found.append(json.loads(message.data))
    await connection.close()
    return found


async def test_a_spanish_document_is_translated_reviewed_and_delivered(
    settings: Settings, bus_client: NatsBroker
) -> None:
    own = TranslateSettings(lease_minutes=1 / 60)  # four-eyes review by default
    async with translate_gateway(settings, own) as http:
        alice, alice_id = await keyed(http, "translator")
        bob, bob_id = await keyed(http, "translator")
        boss, _ = await keyed(http, "secretariat")
        await publish_document(bus_client, snapshot("doc-1"))
        queued = await eventually(lambda: job_of(http, alice, "doc-1"), timeout=15)
        assert (queued["source_language"], queued["target_language"]) == ("es", "en")
        job_url = f"/v1/translations/{queued['id']}"
        job = (await http.get(job_url, headers=alice)).json()
        hits = {hit["target_term"] for s in job["segments"] for hit in s["glossary"]}
        assert {"public procurement", "tender", "open data", "MSMEs"} <= hits
        assert all(segment["target"] is None for segment in job["segments"])

        assert (await http.post(f"{job_url}/claim", headers=alice)).status_code == 200
        assert_problem(await http.post(f"{job_url}/claim", headers=bob), 409)
        # The lease runs out (one second here); then another translator may claim.
        await asyncio.sleep(1.1)
        assert (await http.post(f"{job_url}/claim", headers=bob)).status_code == 200
        draft = {"segments": [{"id": s["id"], "target": f"EN {s['source']}"}
                              for s in job["segments"]]}
        assert_problem(await http.put(f"{job_url}/draft", json=draft, headers=alice), 409)
        saved = await http.put(f"{job_url}/draft", json=draft, headers=bob)
        assert saved.status_code == 200, saved.text
        assert "public procurement" in {w["target_term"] for w in saved.json()["warnings"]}
        good = {"segments": [
            {"id": s["id"], "target": english(s["source"])} for s in job["segments"]]}
        assert (await http.put(f"{job_url}/draft", json=good, headers=bob)).status_code == 200
        submitted = await http.post(f"{job_url}/submit", headers=bob)
        assert submitted.json()["job"]["status"] == "in_review"
        assert submitted.json()["warnings"] == []

        assert_problem(await http.post(f"{job_url}/approve", headers=bob), 403)  # four eyes
        assert_problem(await http.post(f"{job_url}/reject", json={}, headers=boss), 422)
        rejected = await http.post(f"{job_url}/reject", json={"reason": "Use the title case."},
                                   headers=boss)
        assert rejected.json()["job"]["status"] == "rejected"
        assert (await http.post(f"{job_url}/claim", headers=bob)).status_code == 200
        assert (await http.post(f"{job_url}/submit", headers=bob)).status_code == 200
        approved = await http.post(f"{job_url}/approve", headers=boss)
        assert approved.json()["job"]["status"] == "approved", approved.text
        assert_problem(await http.post(f"{job_url}/approve", headers=boss), 409)

        events = await eventually(lambda: completed_events(settings.effective_nats_url()),
                                  timeout=15)
        assert len(events) == 1
        assert events[0]["texts"]["body"].startswith("Public procurement is key.")
        assert events[0]["provenance"]["translator"] == bob_id
        history = [(t["status"], t["by"]) for t in approved.json()["job"]["history"]]
        assert ("rejected", "system") not in history and history[-1][0] == "approved"

        # The catalog stores the version and says so: the job is delivered.
        await publish(bus_client, DocumentTranslated(
            document_id="doc-1", revision=1, language="en", status="reviewed", type="guide"),
            "translated-doc-1")
        await eventually(lambda: job_of(http, alice, "doc-1", "delivered"), timeout=15)
        stats = (await http.get("/v1/stats/translation", headers=boss)).json()
        assert stats["delivered_jobs"] == 1 and stats["median_hours_to_delivery"] is not None
        assert alice_id != bob_id


async def test_the_glossary_is_editable_and_guarded(settings: Settings, bus_client: NatsBroker
                                                    ) -> None:
    async with translate_gateway(settings, TranslateSettings()) as http:
        translator, _ = await keyed(http, "translator")
        boss, _ = await keyed(http, "secretariat")
        seeded = (await http.get("/v1/glossary", headers=translator)).json()["entries"]
        assert {"es": "acuerdo marco", "en": "framework agreement", "pt": "acordo-quadro",
                "fr": "accord-cadre"} in [entry["terms"] for entry in seeded]
        entries = [*seeded, {"terms": {"es": "compras verdes", "en": "green purchasing"}}]
        assert_problem(await http.put("/v1/glossary", json={"entries": entries},
                                      headers=translator), 403)
        assert (await http.get("/v1/glossary")).status_code == 401
        bad = assert_problem(await http.put("/v1/glossary", headers=boss, json={
            "entries": [{"terms": {"es": "solo"}}]}), 422)
        assert "terms" in json.dumps(bad["errors"])
        saved = await http.put("/v1/glossary", json={"entries": entries}, headers=boss)
        assert saved.status_code == 200, saved.text
        assert len((await http.get("/v1/glossary", headers=translator)).json()["entries"]) == 7

        await publish_document(bus_client, snapshot("doc-g", body="Las compras verdes crecen."))
        summary = await eventually(lambda: job_of(http, translator, "doc-g"), timeout=15)
        job = (await http.get(f"/v1/translations/{summary['id']}", headers=translator)).json()
        assert job["segments"][-1]["glossary"] == [
            {"source_term": "compras verdes", "target_term": "green purchasing"}]
        assert_problem(await http.get("/v1/translations/job_nope", headers=translator), 404)
        assert_problem(await http.post("/v1/translations/job_nope/claim", headers=translator),
                       404)
        assert_problem(await http.post("/v1/translations", headers=translator, json={
            "document_id": "doc-g", "target_language": "pt"}), 403)
        assert_problem(await http.post("/v1/translations", headers=boss, json={
            "document_id": "doc-g", "target_language": "es"}), 422)
        assert_problem(await http.post("/v1/translations", headers=boss, json={
            "document_id": "doc-g", "target_language": "pt", "due_at": "2026-12-01T10:00"}),
            422)
