"""A session's materials and its one materials mail, kept so that the mail survives a crash.

`session_materials`: one record per document, written when the catalog first publishes it
(a redelivery or a later revision changes nothing). `materials_mails`: one record per session,
created by its first material with the time the mail is due; a replica claims it under a
lease (as reminders), fans out one delivery per person (the deliveries' unique ids keep a
redone fan-out from mailing anyone twice), then marks it `sent`, for good.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notify.domain.materials import Material
from services.notify.store.times import ms
from shared.db import Document, IndexSpec

MATERIALS, MAILS = "session_materials", "materials_mails"
INDEXES = [
    IndexSpec(MATERIALS, (("session_id", 1), ("published_ms", 1))),
    # `status` alone serves `claim_due` on the stand-in, which uses single-field indexes only.
    IndexSpec(MAILS, (("status", 1),)),
    IndexSpec(MAILS, (("status", 1), ("due_ms", 1))),
]


class Materials:
    """Record materials, plan and claim each session's materials mail."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.materials, self.mails = db[MATERIALS], db[MAILS]

    async def add(self, session_id: str, material: Material, now: datetime) -> None:
        """Record a session's material, once (its first publication)."""
        with contextlib.suppress(DuplicateKeyError):
            await self.materials.insert_one({
                "_id": material.document_id, "session_id": session_id,
                "titles": material.titles, "source_language": material.source_language,
                "published_ms": ms(now)})

    async def of_session(self, session_id: str) -> list[Material]:
        """A session's materials, in the order they were published."""
        found = await self.materials.find({"session_id": session_id}).sort(
            [("published_ms", ASCENDING), ("_id", ASCENDING)]).to_list()
        return [Material(record["_id"], record["titles"], record["source_language"])
                for record in found]

    async def plan_mail(self, session_id: str, due: datetime) -> None:
        """The session's materials mail goes at `due`, unless one is planned or sent."""
        with contextlib.suppress(DuplicateKeyError):  # planned already, maybe concurrently
            await self.mails.update_one(
                {"_id": session_id},
                {"$setOnInsert": {"status": "pending", "due_ms": ms(due),
                                  "lease_until_ms": 0}}, upsert=True)

    async def claim_due(self, now: datetime, owner: str, lease: timedelta) -> str | None:
        """Take one due materials mail under a lease (exact under concurrency): its
        session's id."""
        record = await self.mails.find_one_and_update(
            {"status": "pending", "due_ms": {"$lte": ms(now)},
             "lease_until_ms": {"$lte": ms(now)}},
            {"$set": {"lease_until_ms": ms(now + lease), "owner": owner}},
            sort=[("due_ms", ASCENDING)], return_document=ReturnDocument.AFTER)
        return None if record is None else str(record["_id"])

    async def close(self, session_id: str, owner: str, status: str) -> None:
        """The claimed materials mail was `sent` (or `skipped`): never again."""
        await self.mails.update_one({"_id": session_id, "owner": owner, "status": "pending"},
                                    {"$set": {"status": status, "lease_until_ms": 0}})
