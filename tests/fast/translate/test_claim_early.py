"""A translator claims a job before its machine draft: the job is theirs at once, with memory
matches and glossary terms, and the drafter never writes over it.

These drive the handlers directly (not through the bus as the other scenarios do): the point is
the order of two pieces of work, claim and draft, which only a test that holds the engine can
fix. They run on the memory store and on `store.Store` over the MongoDB stand-in.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient

from services.translate.domain.originals import of_document
from services.translate.engines import Engine, NoEngine
from services.translate.handlers import Deps, drafting, intake, review
from services.translate.handlers.storage import JobStore
from services.translate.settings import TranslateSettings
from services.translate.store import Store
from shared.db import Document
from tests.fast.translate.memory_store import MemoryStore
from tests.fast.translate.support import ALICE, MACHINE, snapshot
from tests.support.clock import MovableClock

pytestmark = pytest.mark.fast

REMEMBERED = [("La contratación pública es clave.", "Public procurement is key."),
              ("La licitación fue abierta por la agencia ayer.",
               "The tender was opened by the agency yesterday.")]


class HeldEngine:
    """A machine engine that answers only once the test lets it."""

    name: str | None = "libretranslate"

    def __init__(self) -> None:
        self.asked, self.answer = asyncio.Event(), asyncio.Event()

    async def translate(self, sentences: list[str], source: str, target: str) -> list[str]:
        self.asked.set()
        await self.answer.wait()
        return [f"[{target}] {sentence}" for sentence in sentences]


@pytest.fixture(params=["memory", "real"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[JobStore]:
    """The handlers' storage in memory, or in a database of its own on the stand-in."""
    if request.param == "memory":
        yield MemoryStore()
        return
    client: AsyncMongoClient[Document] = AsyncMongoClient(request.getfixturevalue("mongo_url"))
    try:
        yield Store(client[f"t{uuid.uuid4().hex[:12]}_translate"])
    finally:
        await client.close()


async def queued_job(store: JobStore, engine: Engine) -> tuple[Deps, str]:
    """A remembering service with one job queued and not drafted yet."""
    clock = MovableClock()
    deps = Deps(store, MACHINE if engine.name else TranslateSettings(), engine, lambda: None,
                clock)
    await store.remember(REMEMBERED, "es", "en", clock())
    job = await intake.queue_job(deps, of_document(snapshot("doc-q")), "en", None, None)
    assert job.status == "queued"
    return deps, job.id


async def test_a_queued_job_is_claimed_with_memory_and_glossary_and_never_drafted_over(
    store: JobStore,
) -> None:
    deps, job_id = await queued_job(store, NoEngine())
    claimed = await review.claim(deps, job_id, ALICE)
    assert (claimed.status, claimed.claimed_by) == ("draft_ready", ALICE)
    by_source = {segment.source: segment for segment in claimed.segments}
    exact = by_source["La contratación pública es clave."]
    assert (exact.target, exact.origin, exact.draft_origin) == (
        "Public procurement is key.", "memory", "memory")
    fuzzy = by_source["La licitación fue abierta por la agencia."]
    assert fuzzy.target is None and fuzzy.suggestions[0].match >= 75
    assert {hit.target_term for hit in by_source["Los datos abiertos ayudan a las MIPYMES."]
            .glossary} == {"open data", "MSMEs"}
    saved = await review.save_draft(deps, job_id, ALICE, {fuzzy.id: "Mine."}, claimed.version)
    # The queued-job message reaches the drafter afterwards: it leaves the job alone.
    assert await drafting.when_job_is_queued(deps, job_id) is None
    assert await store.job(job_id) == saved


async def test_a_machine_draft_finished_after_the_claim_is_dropped(store: JobStore) -> None:
    engine = HeldEngine()
    deps, job_id = await queued_job(store, engine)
    drafter = asyncio.create_task(drafting.when_job_is_queued(deps, job_id))
    await asyncio.wait_for(engine.asked.wait(), 5)  # the drafter holds the job, mid-draft
    claimed = await review.claim(deps, job_id, ALICE)
    first = claimed.segments[0].id
    saved = await review.save_draft(deps, job_id, ALICE, {first: "Procurement guide"})
    engine.answer.set()
    assert await asyncio.wait_for(drafter, 5) is None
    kept = await store.job(job_id)
    assert kept == saved and kept.machine is False
    assert all(segment.origin != "machine" for segment in kept.segments)
