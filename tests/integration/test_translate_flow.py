"""The translation queue end to end: catalog event in, human review through the gateway,
the completion event out to the catalog, against real NATS, MongoDB and the real gateway."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
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
        await the_editor_works_on(http, translator, summary["id"])
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


async def the_editor_works_on(http: httpx.AsyncClient, translator: dict[str, str],
                              job_id: str) -> None:
    """What the translators' editor does through the API: find the job by due date, save some
    segments over the version read, submit, and show the reviewer what changed."""
    soon = datetime.now(UTC)

    async def listed(**window: str) -> list[str]:
        page = await http.get("/v1/translations", headers=translator, params=window)
        assert page.status_code == 200, page.text
        return [item["id"] for item in page.json()["items"]]

    days = {n: (soon + timedelta(days=n)).isoformat() for n in (13, 15)}
    assert job_id in await listed(due_after=days[13], due_before=days[15])  # due in 14 days
    assert job_id not in await listed(due_before=days[13])
    assert job_id not in await listed(due_after=days[15])
    naive = assert_problem(await http.get("/v1/translations", headers=translator, params={
        "due_before": "2026-12-01T10:00:00"}), 422)
    assert [error["field"] for error in naive["errors"]] == ["due_before"]
    assert_problem(await http.get("/v1/translations", headers=translator, params={
        "due_after": days[15], "due_before": days[13]}), 422)

    job_url = f"/v1/translations/{job_id}"
    version = (await http.post(f"{job_url}/claim", headers=translator)).json()["version"]
    segments = (await http.get(job_url, headers=translator)).json()["segments"]
    first, *rest = [segment["id"] for segment in segments]

    async def saved(body: dict[str, Any]) -> httpx.Response:
        return await http.put(f"{job_url}/draft", json=body, headers=translator)

    unknown = assert_problem(await saved({"segments": [
        {"id": first, "target": "x"}, {"id": "body-99", "target": "x"}]}), 422)
    assert [error["field"] for error in unknown["errors"]] == ["segments.1.id"]
    assert_problem(await saved({"segments": [{"id": first, "target": "a"}] * 2}), 422)
    assert_problem(await saved({"segments": [{"id": first, "target": "x"}],
                                "version": version - 1}), 409)
    one = await saved({"segments": [{"id": first, "target": "Shopping guide"}],
                       "version": version})
    assert one.status_code == 200, one.text
    assert one.json()["job"]["version"] > version
    assert [s["target"] for s in one.json()["job"]["segments"]][1:] == [None] * len(rest)
    await saved({"segments": [{"id": id_, "target": "Green purchasing grows."} for id_ in rest],
                 "version": one.json()["job"]["version"]})
    assert (await http.post(f"{job_url}/submit", headers=translator)).status_code == 200
    changes = (await http.get(f"{job_url}/changes", headers=translator)).json()
    assert (changes["status"], changes["changed_segments"]) == ("in_review", len(segments))
    assert changes["segments"][0]["draft"] is None  # no machine here: written by hand
    assert changes["segments"][0]["diff"] == [{"op": "insert", "text": "Shopping guide"}]
