"""Due dates: a session's documents are due a margin before it starts and follow its newest
reschedule; stale news, cancellations and requested dates leave due dates alone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.contracts.registration.events import (
    SessionCancelled,
    SessionPublished,
    SessionRescheduled,
)
from shared.contracts.translate import rpc
from tests.fast.translate.support import (
    BOSS,
    Backend,
    job_in,
    jobs,
    publish_document,
    session,
    snapshot,
)

pytestmark = pytest.mark.fast

DAY = timedelta(days=1)


async def test_documents_are_due_by_their_session_or_by_the_fixed_fallbacks(
    backend: Backend,
) -> None:
    now = backend.clock()
    await backend.publish(SessionPublished(session=session("s-1", now + 5 * DAY)), "s-1-pub")
    await publish_document(backend, snapshot("doc-linked", session_id="s-1"))
    await publish_document(backend, snapshot("doc-unknown", session_id="s-unknown"))
    await publish_document(backend, snapshot("doc-plain"))
    assert (await job_in(backend, "doc-linked")).due_at == now + 4 * DAY  # a day's margin
    assert (await job_in(backend, "doc-unknown")).due_at == now + 3 * DAY
    assert (await job_in(backend, "doc-plain")).due_at == now + 14 * DAY
    linked = await job_in(backend, "doc-linked")
    assert linked.priority == 5  # session documents outrank ordinary ones at the same date


async def test_a_reschedule_moves_the_open_jobs_of_its_session_but_not_a_requested_date(
    backend: Backend,
) -> None:
    now, starts = backend.clock(), backend.clock() + 5 * DAY
    await backend.publish(SessionPublished(session=session("s-2", starts)), "s-2-pub")
    await publish_document(backend, snapshot("doc-s", session_id="s-2"))
    asked = now + 10 * DAY
    await backend.call("request", rpc.RequestTranslation(
        document_id="doc-s", target_language="pt", due_at=asked, actor=BOSS), rpc.JobView)
    moved = now + 2 * DAY
    await backend.publish(SessionRescheduled(
        session=session("s-2", moved, sequence=1), previous_starts_at=starts,
        previous_ends_at=starts + timedelta(hours=2)), "s-2-moved")

    async def english_moved() -> rpc.JobView | None:
        job = await job_in(backend, "doc-s")
        return job if job.due_at == moved - DAY else None

    await backend.eventually(english_moved, "the English job due a day before the new start")
    [portuguese] = await jobs(backend, document="doc-s", target="pt")
    assert portuguese.due_at == asked


async def test_a_stale_reschedule_or_a_cancellation_leaves_the_due_date_alone(
    backend: Backend,
) -> None:
    now, starts = backend.clock(), backend.clock() + 5 * DAY
    await backend.publish(SessionPublished(session=session("s-3", starts, sequence=2)),
                          "s-3-pub")
    await publish_document(backend, snapshot("doc-t", session_id="s-3"))
    due = (await job_in(backend, "doc-t")).due_at
    await backend.publish(SessionRescheduled(
        session=session("s-3", now + 2 * DAY, sequence=1), previous_starts_at=starts,
        previous_ends_at=starts), "s-3-stale")
    assert (await job_in(backend, "doc-t")).due_at == due
    await backend.publish(SessionCancelled(
        session=session("s-3", starts, sequence=2), reason="Postponed"), "s-3-off")
    assert (await job_in(backend, "doc-t")).due_at == due
    # Kept all the same: a document of the cancelled session queued now gets the fallback.
    await publish_document(backend, snapshot("doc-late", session_id="s-3"))
    assert (await job_in(backend, "doc-late")).due_at == now + 3 * DAY
