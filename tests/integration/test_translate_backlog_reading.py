"""The backlog gauge reads the open jobs alone, and counts what the statistics count."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pymongo import AsyncMongoClient

from services.translate.domain.stats import translation_stats
from services.translate.store import JOBS, Store
from shared.db import Document

pytestmark = pytest.mark.integration


def job(job_id: str, status: str, target: str) -> Document:
    return {"_id": job_id, "status": status, "source_language": "es",
            "target_language": target, "created_at": datetime(2026, 1, 5, tzinfo=UTC)}


async def test_the_open_jobs_alone_give_the_statistics_backlog(mongo_url: str) -> None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongo_url, tz_aware=True)
    db = client["backlog_reading"]
    try:
        await db[JOBS].drop()
        await db[JOBS].insert_many([
            job("j1", "queued", "en"), job("j2", "in_review", "en"), job("j3", "failed", "pt"),
            job("j4", "delivered", "en"), job("j5", "superseded", "pt")])
        store = Store(db)
        open_facts = await store.open_job_facts()
        assert sorted(facts.status for facts in open_facts) == ["failed", "in_review", "queued"]
        backlog = translation_stats(open_facts).backlog
        assert backlog == translation_stats(await store.job_facts()).backlog
        assert [(pair.target_language, pair.open_jobs) for pair in backlog] == [("en", 2),
                                                                                ("pt", 1)]
    finally:
        await client.drop_database("backlog_reading")
        await client.close()
