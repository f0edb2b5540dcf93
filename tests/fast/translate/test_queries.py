"""The queue: most urgent first (earliest due date, then highest priority), in pages, with
filters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.translate.settings import TranslateSettings
from shared.contracts.translate import rpc
from tests.fast.translate.support import (
    BOSS,
    Backend,
    job_in,
    jobs,
    publish_document,
    snapshot,
)

pytestmark = pytest.mark.fast


async def test_the_queue_lists_the_most_urgent_first_page_by_page(backend: Backend) -> None:
    await publish_document(backend, snapshot("doc-plain"))
    await publish_document(backend, snapshot("doc-session", session_id="s-unknown"))
    await job_in(backend, "doc-plain")
    await job_in(backend, "doc-session")
    await backend.call("request", rpc.RequestTranslation(
        document_id="doc-plain", target_language="pt", priority=9, actor=BOSS), rpc.JobView)
    await backend.call("request", rpc.RequestTranslation(
        document_id="doc-plain", target_language="fr", priority=1,
        due_at=backend.clock() + timedelta(days=1), actor=BOSS), rpc.JobView)
    await job_in(backend, "doc-plain", target="pt")
    order = [(item.document_id, item.target_language) for item in await jobs(backend)]
    # fr is due in a day, the session document in three; pt and en in fourteen, pt first by
    # its priority.
    assert order == [("doc-plain", "fr"), ("doc-session", "en"), ("doc-plain", "pt"),
                     ("doc-plain", "en")]
    first = await backend.call("list_jobs", rpc.ListJobs(limit=3), rpc.JobPage)
    assert [item.target_language for item in first.items] == ["fr", "en", "pt"]
    rest = await backend.call("list_jobs", rpc.ListJobs(limit=3, after=first.next), rpc.JobPage)
    assert ([(item.document_id, item.target_language) for item in rest.items], rest.next) == (
        [("doc-plain", "en")], None)


@pytest.mark.parametrize("own", [TranslateSettings(languages=["es", "en", "pt"])], ids=["pt"])
async def test_filters_narrow_the_queue_by_status_language_and_document(
    backend: Backend,
) -> None:
    await publish_document(backend, snapshot("doc-a"))
    await publish_document(backend, snapshot("doc-b", source="en", available=("en",),
                                             missing=("es",)))
    await job_in(backend, "doc-b", target="es")
    await job_in(backend, "doc-a", target="pt")
    assert {(i.document_id, i.target_language) for i in await jobs(backend, target="pt")} == {
        ("doc-a", "pt"), ("doc-b", "pt")}
    assert sorted(i.target_language for i in await jobs(backend, source="en")) == ["es", "pt"]
    assert {i.document_id for i in await jobs(backend, document="doc-a")} == {"doc-a"}
    assert await jobs(backend, status="in_review") == []
    assert len(await jobs(backend, status="draft_ready")) == 4

