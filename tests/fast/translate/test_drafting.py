"""Drafting: a queued job is filled from translation memory and the machine engine, labelled
by where each target came from, or failed visibly for a human to take over."""

from __future__ import annotations

import pytest

from shared.contracts.translate.events import JobDrafted, JobFailed
from tests.fast.translate.support import (
    ALICE,
    BOSS,
    MACHINE,
    Backend,
    act,
    claim,
    job_in,
    publish_document,
    snapshot,
    submitted,
)

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("own", [MACHINE], ids=["machine"])
async def test_a_machine_draft_fills_every_segment_and_is_labelled_machine(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-m"))
    job = await job_in(backend, "doc-m")
    assert job.machine is True
    assert {segment.origin for segment in job.segments} == {"machine"}
    assert all(segment.target == f"[en] {segment.source}" for segment in job.segments)
    assert [(step.status, step.by) for step in job.history][-2:] == [
        ("drafting", "system"), ("draft_ready", "libretranslate")]
    drafted = await backend.events(JobDrafted.subject())
    assert [(event["job"]["job_id"], event["machine"]) for event in drafted] == [(job.id, True)]


@pytest.mark.parametrize("own", [MACHINE], ids=["machine"])
async def test_a_broken_engine_fails_the_job_visibly_and_a_translator_takes_it_over(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-bad", body="Roto #fail."))
    job = await job_in(backend, "doc-bad", "failed")
    assert job.reason is not None and "after 3 attempts" in job.reason
    failed = await backend.events(JobFailed.subject())
    assert [event["job"]["job_id"] for event in failed] == [job.id]
    await claim(backend, job.id, ALICE)
    taken = await job_in(backend, "doc-bad", "draft_ready")
    assert taken.claimed_by == ALICE
    assert taken.history[-1].reason == "taken over by hand after the engine failed"


async def test_an_approved_translation_is_reused_in_the_next_documents_draft(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-a"))
    first = await job_in(backend, "doc-a")
    await submitted(backend, first, ALICE)
    await act(backend, "approve", first.id, BOSS)
    body = "La contratación pública es clave. La licitación fue abierta por la agencia ayer."
    await publish_document(backend, snapshot("doc-b", body=body))
    second = await job_in(backend, "doc-b")
    by_source = {segment.source: segment for segment in second.segments}
    exact = by_source["La contratación pública es clave."]
    assert (exact.origin, exact.target) == ("memory", "EN La contratación pública es clave.")
    fuzzy = by_source["La licitación fue abierta por la agencia ayer."]
    assert fuzzy.target is None
    assert fuzzy.suggestions[0].text == "EN La licitación fue abierta por la agencia."
    assert fuzzy.suggestions[0].score >= 75
