"""Intake: a published document queues one job per wanted language, once; a revision
supersedes the open jobs of the older one."""

from __future__ import annotations

import pytest

from services.translate.settings import TranslateSettings
from shared.contracts.catalog.events import DocumentPublished, DocumentRevised
from shared.contracts.translate import rpc
from shared.contracts.translate.events import JobQueued
from tests.fast.translate.support import (
    BOSS,
    Backend,
    job_in,
    jobs,
    publish_document,
    snapshot,
)

pytestmark = pytest.mark.fast

EXTRAS = TranslateSettings(languages=["es", "en", "pt", "fr"])


async def test_a_spanish_document_is_queued_into_english_only_by_default(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-1"))
    job = await job_in(backend, "doc-1")
    assert (job.source_language, job.target_language, job.revision) == ("es", "en", 1)
    assert [item.target_language for item in await jobs(backend)] == ["en"]
    assert [segment.source for segment in job.segments][-3:] == [
        "La contratación pública es clave.", "La licitación fue abierta por la agencia.",
        "Los datos abiertos ayudan a las MIPYMES."]
    # No engine by default: the draft waits for a human, with the glossary terms to use.
    assert (job.status, job.machine) == ("draft_ready", False)
    assert all(segment.target is None for segment in job.segments)
    terms = {hit.target_term for segment in job.segments for hit in segment.glossary}
    assert {"public procurement", "tender", "open data", "MSMEs"} <= terms


@pytest.mark.parametrize("own", [EXTRAS], ids=["extras"])
async def test_configured_extra_languages_are_queued_unless_the_document_has_them(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-x", available=("es", "pt")))
    await job_in(backend, "doc-x", target="fr")
    targets = sorted(item.target_language for item in await jobs(backend, document="doc-x"))
    assert targets == ["en", "fr"]


@pytest.mark.parametrize("own", [EXTRAS], ids=["extras"])
async def test_a_document_published_twice_is_queued_once_per_language(
    backend: Backend,
) -> None:
    document = snapshot("doc-2")
    await backend.publish(DocumentPublished(document=document), "pub-doc-2-a")
    await backend.publish(DocumentPublished(document=document), "pub-doc-2-b")  # catalog again
    await job_in(backend, "doc-2", target="pt")
    listed = await jobs(backend, document="doc-2")
    assert sorted(item.target_language for item in listed) == ["en", "fr", "pt"]
    queued = await backend.events(JobQueued.subject())
    assert sorted(event["job"]["target_language"] for event in queued) == ["en", "fr", "pt"]


async def test_a_revision_supersedes_the_older_ones_open_job_and_a_late_older_one_is_ignored(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-r"))
    old = await job_in(backend, "doc-r")
    await backend.publish(DocumentRevised(document=snapshot("doc-r", revision=2)), "rev-doc-r-2")
    new = await job_in(backend, "doc-r")
    assert (new.revision, new.id != old.id) == (2, True)
    superseded = await job_in(backend, "doc-r", "superseded")
    assert superseded.id == old.id
    assert superseded.history[-1].reason == "revision 2 supersedes it"
    # Revision 1 arriving late (a new event about it): no job comes back for it, and a
    # language asked for by hand is still of the newest revision.
    await backend.publish(DocumentPublished(document=snapshot("doc-r")), "pub-doc-r-1-late")
    assert sorted((i.revision, i.status) for i in await jobs(backend, document="doc-r")) == [
        (1, "superseded"), (2, "draft_ready")]
    asked = await backend.call("request", rpc.RequestTranslation(
        document_id="doc-r", target_language="pt", actor=BOSS), rpc.JobView)
    assert asked.revision == 2
