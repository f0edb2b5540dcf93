"""The only module that knows the MongoDB documents: jobs, document snapshots, the text
revisions of sessions, memory, glossary.

Every job write is conditional on the version it read (`find_one_and_update`, exact under
concurrency) and carries the job's events in its outbox, so state and events are one write.
Arrays are always `$set` whole: the embedded stand-in mangles `$push`ed subdocuments.

Times are stored as ISO-8601 UTC strings (`model_dump(mode="json")`), not BSON dates: the
stand-in stores a top-level datetime written by `$set` as a naive string
("2026-11-22 00:31:31.080000", found here), which would then read back without its zone. No
query here compares times (leases are compared in Python), so strings lose nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.translate.domain.due import SessionTime
from services.translate.domain.memory import normalized
from services.translate.domain.model import OPEN_STATUSES, Job
from services.translate.domain.rules import due_window
from services.translate.domain.stats import JobFacts
from shared.contracts.catalog.events import DocumentSnapshot
from shared.contracts.translate.rpc import GlossaryEntry, ListJobs
from shared.db import Document, IndexSpec
from shared.inbox import Inbox
from shared.outbox import OUTBOX_FIELD, push_to_outbox, with_pending_marker

JOBS, DOCUMENTS, MEMORY, GLOSSARY = "jobs", "documents", "memory", "glossary"
SESSIONS, SESSION_TEXTS = "sessions", "session_texts"
FUZZY_CANDIDATES = 2_000

INDEXES: list[IndexSpec] = [
    *Inbox.indexes(),
    IndexSpec(JOBS, (("document_id", 1), ("revision", 1), ("target_language", 1)), unique=True),
    IndexSpec(JOBS, (("rank", 1),)),
    IndexSpec(JOBS, (("status", 1), ("rank", 1))),
    # `status` alone, for the backlog gauge's per-status reads: MongoDB would use the
    # compound above, the stand-in serves only single-field indexes.
    IndexSpec(JOBS, (("status", 1),)),
    IndexSpec(JOBS, (("session_id", 1),)),
    IndexSpec(MEMORY, (("source_language", 1), ("target_language", 1), ("updated_at", -1))),
]


def _to_document(job: Job) -> Document:
    document = job.model_dump(mode="json", exclude={"id"})
    document["segment_count"] = len(job.segments)
    document["memory_count"] = job.memory_segments
    return document


def _to_job(document: Document) -> Job:
    return Job.model_validate({**document, "id": document["_id"]})


def _time(stored: object) -> datetime:
    """A stored time: an ISO string as written here, or a BSON date."""
    return stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))


def _ranks_wanted(query: ListJobs) -> dict[str, str]:
    """The rank range of a page: after the cursor, within the due window."""
    lowest, below = due_window(query.due_after, query.due_before)
    wanted = {"$gt": query.after, "$gte": lowest, "$lt": below}
    return {operator: rank for operator, rank in wanted.items() if rank}


class Store:
    """Jobs and what drafting needs, in the translate service's own database."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.db = db

    async def insert_job(self, job: Job, events: Sequence[Document]) -> bool:
        """Insert a new job with its events; False if that job already exists."""
        try:
            await self.db[JOBS].insert_one(with_pending_marker(
                {"_id": job.id, **_to_document(job), OUTBOX_FIELD: list(events)}))
        except DuplicateKeyError:
            return False
        return True

    async def job(self, job_id: str) -> Job | None:
        document = await self.db[JOBS].find_one({"_id": job_id}, {OUTBOX_FIELD: 0})
        return None if document is None else _to_job(document)

    async def save_job(self, job: Job, events: Sequence[Document] = ()) -> Job | None:
        """Write `job` if nobody changed it since it was read; None if someone did."""
        changed = job.model_copy(update={"version": job.version + 1})
        update = push_to_outbox({"$set": _to_document(changed)}, events)
        document = await self.db[JOBS].find_one_and_update(
            {"_id": job.id, "version": job.version}, update,
            projection={OUTBOX_FIELD: 0}, return_document=ReturnDocument.AFTER)
        return None if document is None else _to_job(document)

    async def open_jobs_before(self, document_id: str, revision: int) -> list[str]:
        found = self.db[JOBS].find({"document_id": document_id, "revision": {"$lt": revision},
                                    "status": {"$in": sorted(OPEN_STATUSES)}}, {"_id": 1})
        return [document["_id"] for document in await found.to_list()]

    async def open_session_jobs(self, session_id: str) -> list[str]:
        """Open jobs of documents linked to a session whose due date was not asked for."""
        found = self.db[JOBS].find({"session_id": session_id, "due_requested": {"$ne": True},
                                    "status": {"$in": sorted(OPEN_STATUSES)}}, {"_id": 1})
        return [document["_id"] for document in await found.to_list()]

    async def keep_session(self, session: SessionTime) -> bool:
        """Keep what we know of a session unless newer news is kept already (False then).

        The start is epoch milliseconds, an int: the stand-in keeps `$set` datetimes as strings.
        """
        fields = {"starts_ms": session.starts_ms, "sequence": session.sequence,
                  "cancelled": session.cancelled, "order": session.order}
        try:
            await self.db[SESSIONS].insert_one({"_id": session.session_id, **fields})
            return True
        except DuplicateKeyError:
            result = await self.db[SESSIONS].update_one(
                {"_id": session.session_id, "order": {"$lt": session.order}}, {"$set": fields})
            return result.matched_count == 1

    async def session(self, session_id: str) -> SessionTime | None:
        found = await self.db[SESSIONS].find_one({"_id": session_id})
        if found is None:
            return None
        return SessionTime(session_id, int(found["starts_ms"]), int(found["sequence"]),
                           bool(found.get("cancelled", False)))

    async def approved_job(self, document_id: str, revision: int, language: str) -> str | None:
        document = await self.db[JOBS].find_one(
            {"document_id": document_id, "revision": revision, "target_language": language,
             "status": "approved"}, {"_id": 1})
        return None if document is None else str(document["_id"])

    async def page(self, query: ListJobs) -> list[Job]:
        """Jobs most urgent first, after the position `query.after`, one more than the limit."""
        filters: dict[str, Any] = {}
        for field, value in (("status", query.status), ("source_language", query.source),
                             ("target_language", query.target), ("document_id", query.document)):
            if value is not None:
                filters[field] = value
        if ranks := _ranks_wanted(query):
            filters["rank"] = ranks
        found = self.db[JOBS].find(filters, {OUTBOX_FIELD: 0, "segments": 0, "history": 0})
        documents = await found.sort("rank", 1).limit(query.limit + 1).to_list()
        return [_to_job({**document, "segments": [], "history": []}) for document in documents]

    async def job_facts(self, limit: int = 100_000) -> list[JobFacts]:
        """What the statistics count of every job (up to `limit` of them)."""
        rows = await self.db[JOBS].find({}, _FACT_FIELDS).limit(limit).to_list()
        return [_facts(row) for row in rows]

    async def open_job_facts(self) -> list[JobFacts]:
        """The facts of open jobs only, what the backlog gauge counts every few seconds:
        one equality query per open status, which the `status` index answers (the stand-in
        reads every job for `$in`), so a reading costs what is open, not the whole history."""
        rows: list[Document] = []
        for status in sorted(OPEN_STATUSES):
            rows += await self.db[JOBS].find({"status": status}, _FACT_FIELDS).to_list()
        return [_facts(row) for row in rows]

    async def keep_snapshot(self, snapshot: DocumentSnapshot) -> bool:
        """Keep the newest snapshot of a document; False if a newer one is already kept."""
        document = {**snapshot.model_dump(mode="json"), "_id": snapshot.document_id}
        try:
            await self.db[DOCUMENTS].insert_one(document)
            return True
        except DuplicateKeyError:
            result = await self.db[DOCUMENTS].update_one(
                {"_id": snapshot.document_id, "revision": {"$lte": snapshot.revision}},
                {"$set": {k: v for k, v in document.items() if k != "_id"}})
            return result.matched_count == 1

    async def keep_session_texts(self, session_id: str, revision: int) -> bool:
        """Note the newest text revision of a session; False if a newer one is noted."""
        try:
            await self.db[SESSION_TEXTS].insert_one({"_id": session_id, "revision": revision})
            return True
        except DuplicateKeyError:
            result = await self.db[SESSION_TEXTS].update_one(
                {"_id": session_id, "revision": {"$lte": revision}},
                {"$set": {"revision": revision}})
            return result.matched_count == 1

    async def snapshot(self, document_id: str) -> DocumentSnapshot | None:
        document = await self.db[DOCUMENTS].find_one({"_id": document_id})
        return None if document is None else DocumentSnapshot.model_validate(document)

    @staticmethod
    def _memory_id(source_language: str, target_language: str, source: str) -> str:
        key = f"{source_language}\x1f{target_language}\x1f{normalized(source)}"
        return hashlib.sha256(key.encode()).hexdigest()

    async def remember(self, pairs: list[tuple[str, str]], source_language: str,
                       target_language: str, now: datetime) -> None:
        """Store approved (source, target) pairs; a newer approval replaces an older target."""
        for source, target in pairs:
            await self.db[MEMORY].update_one(
                {"_id": self._memory_id(source_language, target_language, source)},
                {"$set": {"source": source, "key": normalized(source), "target": target,
                          "source_language": source_language,
                          "target_language": target_language,
                          "updated_at": now.isoformat()}},
                upsert=True)

    async def recall(self, sources: list[str], source_language: str,
                     target_language: str) -> dict[str, str]:
        """Remembered targets of exactly these sentences (by normalized source), in one query."""
        ids = {self._memory_id(source_language, target_language, source): normalized(source)
               for source in sources}
        found = self.db[MEMORY].find({"_id": {"$in": list(ids)}}, {"target": 1})
        return {ids[doc["_id"]]: str(doc["target"]) for doc in await found.to_list()}

    async def fuzzy_candidates(self, source_language: str,
                               target_language: str) -> dict[str, tuple[str, str]]:
        """The most recent remembered pairs of a language pair, by normalized source."""
        found = self.db[MEMORY].find(
            {"source_language": source_language, "target_language": target_language},
            {"key": 1, "source": 1, "target": 1}).sort("updated_at", -1).limit(FUZZY_CANDIDATES)
        return {doc["key"]: (doc["source"], doc["target"]) for doc in await found.to_list()}

    async def glossary(self) -> list[GlossaryEntry] | None:
        document = await self.db[GLOSSARY].find_one({"_id": "glossary"})
        if document is None:
            return None
        return [GlossaryEntry.model_validate(entry) for entry in document["entries"]]

    async def set_glossary(self, entries: list[GlossaryEntry]) -> None:
        # `update_one` with `$set`, not `replace_one(upsert=True)`: the stand-in upserts a
        # replacement under a new ObjectId instead of the filter's `_id` (found here).
        await self.db[GLOSSARY].update_one(
            {"_id": "glossary"}, {"$set": {"entries": [entry.model_dump() for entry in entries]}},
            upsert=True)


_FACT_FIELDS = {"status": 1, "source_language": 1, "target_language": 1, "created_at": 1,
                "delivered_at": 1, "segment_count": 1, "memory_count": 1}


def _facts(row: Document) -> JobFacts:
    """What the statistics count of one stored job (`_FACT_FIELDS` of it)."""
    return JobFacts(status=row["status"], source_language=row["source_language"],
                    target_language=row["target_language"], created_at=_time(row["created_at"]),
                    delivered_at=None if row.get("delivered_at") is None
                    else _time(row["delivered_at"]),
                    segments=int(row.get("segment_count") or 0),
                    memory_segments=int(row.get("memory_count") or 0))
