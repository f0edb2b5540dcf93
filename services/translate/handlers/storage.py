"""What the handlers need of storage, as a protocol: `store.Store` keeps it in MongoDB, the
fast test tier (tests/fast/translate) in memory.

Each method promises what the MongoDB store guarantees, and a second implementation must keep
the same promises: `insert_job` is refused for a job that exists; `save_job` writes only over
the version it read (None if someone wrote meanwhile) and stores the job's events in the same
write; `keep_snapshot`, `keep_session_texts` and `keep_session` never let older news
replace newer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from services.translate.domain.due import SessionTime
from services.translate.domain.model import Job
from services.translate.domain.stats import JobFacts
from shared.contracts.catalog.events import DocumentSnapshot
from shared.contracts.translate.rpc import GlossaryEntry, ListJobs
from shared.db import Document


class JobStore(Protocol):
    """Jobs with their outbox, document snapshots, session times, memory and glossary."""

    async def insert_job(self, job: Job, events: Sequence[Document]) -> bool:
        """Insert a new job with its events; False if that job already exists."""
        ...

    async def job(self, job_id: str) -> Job | None:
        """The job, whole, or None."""
        ...

    async def save_job(self, job: Job, events: Sequence[Document] = ()) -> Job | None:
        """Write `job` with its events if nobody changed it since it was read; else None."""
        ...

    async def open_jobs_before(self, document_id: str, revision: int) -> list[str]:
        """Ids of the open jobs of older revisions of the document."""
        ...

    async def open_session_jobs(self, session_id: str) -> list[str]:
        """Open jobs of documents linked to a session whose due date was not asked for."""
        ...

    async def keep_session(self, session: SessionTime) -> bool:
        """Keep what we know of a session unless newer news is kept already (False then)."""
        ...

    async def session(self, session_id: str) -> SessionTime | None:
        """What is known of a session, or None."""
        ...

    async def approved_job(self, document_id: str, revision: int, language: str) -> str | None:
        """The id of the approved job of (document, revision, language), or None."""
        ...

    async def page(self, query: ListJobs) -> list[Job]:
        """Jobs most urgent first, after the position `query.after`, one more than the limit,
        without their segments and history."""
        ...

    async def job_facts(self, limit: int = 100_000) -> list[JobFacts]:
        """What the statistics count of every job (up to `limit` of them)."""
        ...

    async def open_job_facts(self) -> list[JobFacts]:
        """The facts of the open jobs only (what the backlog counts)."""
        ...

    async def keep_snapshot(self, snapshot: DocumentSnapshot) -> bool:
        """Keep the newest snapshot of a document; False if a newer one is already kept."""
        ...

    async def keep_session_texts(self, session_id: str, revision: int) -> bool:
        """Note the newest text revision of a session; False if a newer one is noted."""
        ...

    async def snapshot(self, document_id: str) -> DocumentSnapshot | None:
        """The newest snapshot kept of a document, or None."""
        ...

    async def remember(self, pairs: list[tuple[str, str]], source_language: str,
                       target_language: str, now: datetime) -> None:
        """Store approved (source, target) pairs; a newer approval replaces an older target."""
        ...

    async def recall(self, sources: list[str], source_language: str,
                     target_language: str) -> dict[str, str]:
        """Remembered targets of exactly these sentences, by normalized source."""
        ...

    async def fuzzy_candidates(self, source_language: str,
                               target_language: str) -> dict[str, tuple[str, str]]:
        """The most recent remembered pairs of a language pair, by normalized source."""
        ...

    async def glossary(self) -> list[GlossaryEntry] | None:
        """The stored glossary, or None if nobody stored one."""
        ...

    async def set_glossary(self, entries: list[GlossaryEntry]) -> None:
        """The glossary becomes `entries`, whole."""
        ...
