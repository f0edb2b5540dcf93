"""`JobStore` in memory, with the promises the MongoDB store keeps.

Jobs are kept as the JSON documents MongoDB would hold (`model_dump(mode="json")`) and read
back through the model, so a field that does not survive the round trip fails here too. Every
method runs without awaiting anything in between, so each write is atomic as one MongoDB
single-document write is: `save_job` compares the version and writes state and outbox at once.
The outbox is drained by `MemoryRelay` (support.py), as `shared.outbox.OutboxRelay` drains
the jobs collection.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.translate.domain.due import SessionTime
from services.translate.domain.memory import normalized
from services.translate.domain.model import OPEN_STATUSES, Job
from services.translate.domain.rules import due_window
from services.translate.domain.stats import JobFacts
from services.translate.store import FUZZY_CANDIDATES
from shared.contracts.catalog.events import DocumentSnapshot
from shared.contracts.translate.rpc import GlossaryEntry, ListJobs
from shared.db import Document

MemoryKey = tuple[str, str, str]
"""(source language, target language, normalized source sentence)."""


class MemoryStore:
    """Jobs, their outboxes, snapshots, sessions, translation memory and glossary, in dicts."""

    def __init__(self) -> None:
        self.jobs: dict[str, Document] = {}
        self.outbox: dict[str, list[Document]] = {}
        self.snapshots: dict[str, Document] = {}
        self.sessions: dict[str, SessionTime] = {}
        self.session_texts: dict[str, int] = {}
        self.memory: dict[MemoryKey, tuple[str, str, datetime]] = {}
        self.entries: list[Document] | None = None

    # Jobs -------------------------------------------------------------------------------------

    async def insert_job(self, job: Job, events: Sequence[Document]) -> bool:
        key = (job.document_id, job.revision, job.target_language)
        if job.id in self.jobs or any(_job_key(stored) == key for stored in self.jobs.values()):
            return False  # the unique index on (document, revision, target), and the _id
        self.jobs[job.id] = job.model_dump(mode="json")
        self.outbox[job.id] = list(events)
        return True

    async def job(self, job_id: str) -> Job | None:
        stored = self.jobs.get(job_id)
        return None if stored is None else Job.model_validate(stored)

    async def save_job(self, job: Job, events: Sequence[Document] = ()) -> Job | None:
        stored = self.jobs.get(job.id)
        if stored is None or stored["version"] != job.version:
            return None
        changed = job.model_copy(update={"version": job.version + 1})
        self.jobs[job.id] = changed.model_dump(mode="json")
        pending = self.outbox.setdefault(job.id, [])
        pending.extend(e for e in events if e["id"] not in {p["id"] for p in pending})
        return Job.model_validate(self.jobs[job.id])

    async def open_jobs_before(self, document_id: str, revision: int) -> list[str]:
        return [job.id for job in self._all() if job.document_id == document_id
                and job.revision < revision and job.status in OPEN_STATUSES]

    async def open_session_jobs(self, session_id: str) -> list[str]:
        return [job.id for job in self._all() if job.session_id == session_id
                and not job.due_requested and job.status in OPEN_STATUSES]

    async def approved_job(self, document_id: str, revision: int, language: str) -> str | None:
        return next((job.id for job in self._all() if job.status == "approved"
                     and (job.document_id, job.revision, job.target_language)
                     == (document_id, revision, language)), None)

    async def page(self, query: ListJobs) -> list[Job]:
        lowest, below = due_window(query.due_after, query.due_before)
        wanted: dict[str, Any] = {"status": query.status, "source_language": query.source,
                                  "target_language": query.target, "document_id": query.document}
        found = [job for job in self._all()
                 if all(value is None or getattr(job, field) == value
                        for field, value in wanted.items())
                 and (not query.after or job.rank > query.after)
                 and (lowest is None or job.rank >= lowest)
                 and (below is None or job.rank < below)]
        found.sort(key=lambda job: job.rank)
        return [job.model_copy(update={"segments": [], "history": []})
                for job in found[: query.limit + 1]]

    async def job_facts(self, limit: int = 100_000) -> list[JobFacts]:
        return [JobFacts(status=job.status, source_language=job.source_language,
                         target_language=job.target_language, created_at=job.created_at,
                         delivered_at=job.delivered_at, segments=len(job.segments),
                         memory_segments=job.memory_segments)
                for job in self._all()[:limit]]

    async def open_job_facts(self) -> list[JobFacts]:
        return [facts for facts in await self.job_facts() if facts.status in OPEN_STATUSES]

    def _all(self) -> list[Job]:
        return [Job.model_validate(stored) for stored in self.jobs.values()]

    # Outbox (the relay's side, not the handlers') ---------------------------------------------

    def pending(self) -> list[tuple[str, list[Document]]]:
        """Jobs with events to publish, and those events in the order they were written."""
        return [(job_id, list(entries)) for job_id, entries in self.outbox.items() if entries]

    def published(self, job_id: str, event_ids: set[str]) -> None:
        """Remove what went out, as the relay's `$pull` does."""
        self.outbox[job_id] = [e for e in self.outbox[job_id] if e["id"] not in event_ids]

    # Snapshots and sessions -------------------------------------------------------------------

    async def keep_snapshot(self, snapshot: DocumentSnapshot) -> bool:
        kept = self.snapshots.get(snapshot.document_id)
        if kept is not None and kept["revision"] > snapshot.revision:
            return False
        self.snapshots[snapshot.document_id] = snapshot.model_dump(mode="json")
        return True

    async def keep_session_texts(self, session_id: str, revision: int) -> bool:
        if self.session_texts.get(session_id, 0) > revision:
            return False
        self.session_texts[session_id] = revision
        return True

    async def snapshot(self, document_id: str) -> DocumentSnapshot | None:
        kept = self.snapshots.get(document_id)
        return None if kept is None else DocumentSnapshot.model_validate(kept)

    async def keep_session(self, session: SessionTime) -> bool:
        kept = self.sessions.get(session.session_id)
        if kept is not None and kept.order >= session.order:
            return False
        self.sessions[session.session_id] = session
        return True

    async def session(self, session_id: str) -> SessionTime | None:
        return self.sessions.get(session_id)

    # Translation memory and glossary ----------------------------------------------------------

    async def remember(self, pairs: list[tuple[str, str]], source_language: str,
                       target_language: str, now: datetime) -> None:
        for source, target in pairs:
            self.memory[(source_language, target_language, normalized(source))] = (
                source, target, now)

    async def recall(self, sources: list[str], source_language: str,
                     target_language: str) -> dict[str, str]:
        keys = {normalized(source) for source in sources}
        return {key: target for (src, tgt, key), (_, target, _) in self.memory.items()
                if (src, tgt) == (source_language, target_language) and key in keys}

    async def fuzzy_candidates(self, source_language: str,
                               target_language: str) -> dict[str, tuple[str, str]]:
        pairs = [(key, value) for (src, tgt, key), value in self.memory.items()
                 if (src, tgt) == (source_language, target_language)]
        pairs.sort(key=lambda item: item[1][2], reverse=True)  # most recent first
        return {key: (source, target)
                for key, (source, target, _) in pairs[:FUZZY_CANDIDATES]}

    async def glossary(self) -> list[GlossaryEntry] | None:
        if self.entries is None:
            return None
        return [GlossaryEntry.model_validate(entry) for entry in self.entries]

    async def set_glossary(self, entries: list[GlossaryEntry]) -> None:
        self.entries = [entry.model_dump() for entry in entries]


def _job_key(stored: Document) -> tuple[str, int, str]:
    return stored["document_id"], stored["revision"], stored["target_language"]
