"""Refusals: what the rules do not allow is answered with its error code, and changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from shared.contracts.rpc import RpcFailure
from shared.contracts.translate import rpc
from tests.fast.translate.support import (
    ALICE,
    BOSS,
    Backend,
    act,
    claim,
    english_draft,
    job_in,
    publish_document,
    snapshot,
)

pytestmark = pytest.mark.fast


async def refused(action: Awaitable[object]) -> str:
    """The error code an RPC was refused with."""
    with pytest.raises(RpcFailure) as failure:
        await action
    return failure.value.code


async def test_a_draft_naming_unknown_segments_is_invalid_and_keeps_nothing(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-1"))
    job = await job_in(backend, "doc-1")
    await claim(backend, job.id, ALICE)
    segments = [*english_draft(job), {"id": "no-such-segment-1", "target": "x"}]
    assert await refused(act(backend, "save_draft", job.id, ALICE, segments=segments)) == (
        "invalid")
    assert all(segment.target is None for segment in (await job_in(backend, "doc-1")).segments)


async def test_actions_out_of_turn_are_conflicts(backend: Backend) -> None:
    await publish_document(backend, snapshot("doc-2"))
    job = await job_in(backend, "doc-2")
    assert await refused(act(backend, "submit", job.id, ALICE)) == "conflict"  # not claimed
    assert await refused(act(backend, "approve", job.id, BOSS)) == "conflict"  # not in review
    assert await refused(act(backend, "reject", job.id, BOSS, reason="No.")) == "conflict"
    await claim(backend, job.id, ALICE)
    # Every segment needs a target before the draft goes to review.
    assert await refused(act(backend, "submit", job.id, ALICE)) == "invalid"
    await act(backend, "save_draft", job.id, ALICE, segments=english_draft(job))
    await act(backend, "submit", job.id, ALICE)
    assert await refused(claim(backend, job.id, ALICE)) == "conflict"  # in review now
    assert (await job_in(backend, "doc-2", "in_review")).translator == ALICE


async def test_unknown_things_a_source_language_target_or_a_malformed_request_are_refused(
    backend: Backend,
) -> None:
    assert await refused(backend.call("get_job", rpc.JobId(job_id="job_nope"),
                                      rpc.JobView)) == "not_found"
    assert await refused(claim(backend, "job_nope", ALICE)) == "not_found"
    assert await refused(backend.call("request", rpc.RequestTranslation(
        document_id="nope", target_language="pt", actor=BOSS), rpc.JobView)) == "not_found"
    await publish_document(backend, snapshot("doc-3"))
    await job_in(backend, "doc-3")
    assert await refused(backend.call("request", rpc.RequestTranslation(
        document_id="doc-3", target_language="es", actor=BOSS), rpc.JobView)) == "invalid"
    # What the gateway would never send: the responder checks the request itself.
    malformed = rpc.GetStats.model_construct()
    assert await refused(backend.call("claim", malformed, rpc.ClaimReply)) == "invalid"
