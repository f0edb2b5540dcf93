"""Session texts: registration's `registration.session.texts` queues jobs as a document's
publication does, for the texts lacking each language only, due by the session's start; a
newer text revision supersedes the open jobs of older ones; the completion names the session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.translate.settings import TranslateSettings
from shared.contracts.registration.events import SessionPublished, SessionTexts
from shared.contracts.translate.events import JobCompleted
from tests.fast.translate.support import (
    ALICE,
    BOSS,
    Backend,
    act,
    job_in,
    jobs,
    session,
    submitted,
)

pytestmark = pytest.mark.fast

EXTRAS = TranslateSettings(languages=["es", "en", "pt"])
SLOT = "agenda.regional.slots.chile.title"


def session_texts(revision: int = 1, texts: dict[str, dict[str, str]] | None = None
                  ) -> SessionTexts:
    """Texts of session s-1 as registration announces them, written in English."""
    return SessionTexts.model_validate({
        "session_id": "s-1", "text_revision": revision, "source_language": "en",
        "texts": texts or {"title": {"en": "Open contracting. For all."},
                           "summary": {"en": "Data first.", "es": "Datos."},
                           SLOT: {"en": "The Chilean experience"}}})


async def test_a_sessions_texts_get_a_job_for_each_language_some_text_lacks(
    backend: Backend,
) -> None:
    starts = backend.clock() + timedelta(days=5)
    await backend.publish(SessionPublished(session=session("s-1", starts)), "s-1-pub")
    await backend.publish(session_texts(), "s-1-texts-1")
    job = await job_in(backend, "s-1", target="es")
    assert (job.subject, job.source_language, job.revision) == ("session", "en", 1)
    # Only the texts without Spanish, sentence by sentence as a document's.
    assert [(segment.field, segment.source) for segment in job.segments] == [
        ("title", "Open contracting."), ("title", "For all."),
        (SLOT, "The Chilean experience")]
    assert job.due_at == starts - timedelta(days=1)  # the session rule: a day before
    assert [item.target_language for item in await jobs(backend, document="s-1")] == ["es"]


@pytest.mark.parametrize("own", [EXTRAS], ids=["extras"])
async def test_a_newer_text_revision_supersedes_the_open_jobs_of_the_older(
    backend: Backend,
) -> None:
    await backend.publish(session_texts(), "s-1-texts-1")
    await job_in(backend, "s-1", target="pt")
    # The secretariat edits the English title and writes every Spanish text itself.
    await backend.publish(session_texts(2, {
        "title": {"en": "Open contracting today.", "es": "Hoy."},
        "summary": {"en": "Data first.", "es": "Datos."},
        SLOT: {"en": "The Chilean experience", "es": "Chile"}}), "s-1-texts-2")
    newer = await job_in(backend, "s-1", target="pt")
    assert newer.revision == 2
    assert {segment.source for segment in newer.segments} == {
        "Open contracting today.", "Data first.", "The Chilean experience"}
    old = await job_in(backend, "s-1", status="superseded", target="es")
    assert old.revision == 1
    await job_in(backend, "s-1", status="superseded", target="pt")
    listed = await jobs(backend, document="s-1")
    assert sorted((item.target_language, item.revision, item.status) for item in listed) == [
        ("es", 1, "superseded"), ("pt", 1, "superseded"), ("pt", 2, "draft_ready")]
    # An older revision arriving late changes nothing.
    await backend.publish(session_texts(), "s-1-texts-1-late")
    assert len(await jobs(backend, document="s-1")) == 3


async def test_the_completion_of_a_session_job_names_the_session(backend: Backend) -> None:
    await backend.publish(session_texts(), "s-1-texts-1")
    job = await job_in(backend, "s-1", target="es")
    await submitted(backend, job, ALICE)
    assert (await act(backend, "approve", job.id, BOSS)).job.status == "approved"

    async def completed() -> list[dict[str, Any]]:
        return await backend.events(JobCompleted.subject())

    [event] = await backend.eventually(completed, "the completion event")
    assert event["job"]["subject"] == "session" and event["job"]["document_id"] == "s-1"
    assert event["texts"] == {"title": "EN Open contracting. EN For all.",
                              SLOT: "EN The Chilean experience"}
