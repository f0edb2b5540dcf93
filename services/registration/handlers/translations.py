"""A session's texts and their translation jobs (the translate service): the texts announced
when a session is published and whenever an edit changes them, each time under a new
`text_revision` and in the same write as the change; and completed jobs merged back into the
session's language maps (domain/translations.py decides what may be merged)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.registration import events
from services.registration.domain import translations as rules
from services.registration.domain.errors import Refusal
from services.registration.handlers import Deps
from shared.contracts.translate.events import JobCompleted
from shared.db import Document

MERGE_ATTEMPTS = 20


def texts_entry(session: Document, now: datetime) -> Document:
    """The outbox entry announcing the session's texts at its current `text_revision`."""
    source, texts = rules.announced_texts(session)
    return events.session_texts(session, source, texts, now)


def publication_texts(session: Document, now: datetime) -> tuple[dict[str, Any], Document]:
    """What publishing adds: a new text revision, and the event announcing it."""
    changes = {"text_revision": session.get("text_revision", 0) + 1}
    return changes, texts_entry({**session, **changes}, now)


def announce_edited_texts(before: Document, after: Document, now: datetime) -> None:
    """If an edit of a published session changed what the secretariat wrote, give `after` a
    new text revision and queue its announcement in `after`'s outbox (the same write)."""
    if after["status"] != "published" or not rules.texts_changed(before, after):
        return
    after["text_revision"] = before.get("text_revision", 0) + 1
    after["outbox"] = [*after.get("outbox", []), texts_entry(after, now)]


async def when_translation_is_completed(deps: Deps, done: JobCompleted,
                                        now: datetime) -> bool:
    """Merge a session job's translations into the session, if its text revision is still
    the current one; whether anything changed. Idempotent: merging again changes nothing.

    A whole-document replace guarded by `rev` (bumped here, as every edit does), so that a
    concurrent edit or ledger change is neither lost nor overwritten: a lost race retries."""
    job = done.job
    if job.subject != "session":
        return False
    for _ in range(MERGE_ATTEMPTS):
        session = await deps.store.session(job.document_id, with_outbox=True)
        if session is None:
            return False  # not a session of ours (or never stored): nothing to merge into
        after = rules.with_translation(session, job.target_language, job.revision, done.texts)
        if after is None:
            return False
        after.update(rev=session["rev"] + 1, updated_at=now)
        if after["status"] == "published":
            # Those who keep a copy (the catalog's materials, notify's mail) get the new
            # language too; none of them mails anyone on this event.
            after["outbox"] = [*after.get("outbox", []), events.session_changed(after, now)]
        if await deps.store.replace_session(job.document_id, session["rev"], after):
            deps.kick()
            return True
    raise Refusal("unavailable", "The session kept changing; the translation will be retried.")
