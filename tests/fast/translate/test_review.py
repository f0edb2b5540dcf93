"""Review: translators claim, draft and submit; a second person approves (the translation goes
out once, with its provenance) or sends it back with a reason; the catalog's stored version
delivers the job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.contracts.catalog.events import DocumentTranslated
from shared.contracts.rpc import RpcFailure
from shared.contracts.translate.events import JobCompleted
from tests.fast.translate.support import (
    ALICE,
    BOB,
    BOSS,
    Backend,
    act,
    claim,
    english_draft,
    job_in,
    publish_document,
    snapshot,
    submitted,
)

pytestmark = pytest.mark.fast


async def test_an_approved_job_publishes_its_translation_once_with_its_provenance(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-1"))
    job = await job_in(backend, "doc-1")
    assert (await submitted(backend, job, ALICE)).job.status == "in_review"
    approved = await act(backend, "approve", job.id, BOSS)
    assert (approved.job.status, approved.job.reviewer) == ("approved", BOSS)
    with pytest.raises(RpcFailure) as again:
        await act(backend, "approve", job.id, BOSS)
    assert again.value.code == "conflict"

    async def completed() -> list[dict[str, Any]]:
        return await backend.events(JobCompleted.subject())

    [event] = await backend.eventually(completed, "the completion event")
    assert event["texts"]["body"].startswith("EN La contratación pública es clave.")
    provenance = event["provenance"]
    assert (provenance["translator"], provenance["reviewer"], provenance["engine"]) == (
        ALICE, BOSS, None)


async def test_the_translator_may_not_approve_their_own_work(backend: Backend) -> None:
    await publish_document(backend, snapshot("doc-4"))
    job = await job_in(backend, "doc-4")
    await submitted(backend, job, ALICE)
    with pytest.raises(RpcFailure) as refused:
        await act(backend, "approve", job.id, ALICE)
    assert refused.value.code == "forbidden"
    assert (await job_in(backend, "doc-4", "in_review")).reviewer is None


async def test_a_rejected_job_goes_back_to_its_translator_with_the_reason(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-2"))
    job = await job_in(backend, "doc-2")
    await submitted(backend, job, ALICE)
    rejected = await act(backend, "reject", job.id, BOSS, reason="Use the title case.")
    assert (rejected.job.status, rejected.job.reason) == ("rejected", "Use the title case.")
    assert rejected.job.history[-1].reason == "Use the title case."
    await claim(backend, job.id, ALICE)
    again = await act(backend, "submit", job.id, ALICE)
    assert again.job.status == "in_review"
    assert await backend.events(JobCompleted.subject()) == []


async def test_a_claim_keeps_others_out_until_its_lease_runs_out(backend: Backend) -> None:
    await publish_document(backend, snapshot("doc-3"))
    job = await job_in(backend, "doc-3")
    held = await claim(backend, job.id, ALICE)
    assert held.lease_until == backend.clock() + timedelta(minutes=30)
    with pytest.raises(RpcFailure) as taken:
        await claim(backend, job.id, BOB)
    assert taken.value.code == "conflict"
    backend.clock.advance(timedelta(minutes=31))
    assert (await claim(backend, job.id, BOB)).claimed_by == BOB
    with pytest.raises(RpcFailure) as lapsed:
        await act(backend, "save_draft", job.id, ALICE, segments=english_draft(job))
    assert lapsed.value.code == "conflict"


async def test_the_catalogs_reviewed_version_delivers_the_approved_job(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-5"))
    job = await job_in(backend, "doc-5")
    await submitted(backend, job, ALICE)
    await act(backend, "approve", job.id, BOSS)
    stored = {"document_id": "doc-5", "revision": 1, "language": "en", "type": "guide"}
    await backend.publish(DocumentTranslated(**stored, status="machine_draft"), "tr-5-draft")
    assert (await job_in(backend, "doc-5", "approved")).history[-1].status == "approved"
    await backend.publish(DocumentTranslated(**stored, status="reviewed"), "tr-5-reviewed")
    delivered = await job_in(backend, "doc-5", "delivered")
    assert delivered.history[-1].by == "catalog"
