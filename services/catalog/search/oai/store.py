"""MongoDB reads of harvesting: published and withdrawn documents, by id order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.catalog.search.oai.protocol import Selection
from shared.db import Document
from shared.reference import TOPICS

HARVESTABLE = {"status": {"$in": ["published", "withdrawn"]}}
_SKIP = {"outbox": 0, "body": 0}


def set_filter(set_spec: str | None) -> dict[str, Any]:
    """`type`, `type:<code>`, `topic`, `topic:<code>`; any other set matches nothing."""
    if set_spec is None or set_spec == "type":
        return {}
    if set_spec == "topic":
        return {"topics": {"$in": [topic.code for topic in TOPICS]}}
    kind, _, code = set_spec.partition(":")
    if kind == "type" and code:
        return {"type": code}
    if kind == "topic" and code:
        return {"topics": code}
    return {"_id": {"$in": []}}


async def harvest_page(db: AsyncDatabase[Document], selection: Selection,
                       limit: int) -> list[Document]:
    """Up to `limit` documents of the selection after `selection.after_id`, in id order."""
    query: dict[str, Any] = {**HARVESTABLE, **set_filter(selection.set_spec)}
    moments: dict[str, datetime] = {}
    if selection.since:
        moments["$gte"] = selection.since
    if selection.until:
        moments["$lte"] = selection.until
    if moments:
        query["updated_at"] = moments
    if selection.after_id is not None:
        query["_id"] = {"$gt": selection.after_id}
    return await db["documents"].find(query, _SKIP).sort("_id", 1).limit(limit).to_list()


async def harvestable(db: AsyncDatabase[Document], document_id: str) -> Document | None:
    return await db["documents"].find_one({"_id": document_id, **HARVESTABLE}, _SKIP)


async def earliest_update(db: AsyncDatabase[Document]) -> datetime | None:
    first = await db["documents"].find_one(HARVESTABLE, {"updated_at": 1},
                                           sort=[("updated_at", 1)])
    moment = first.get("updated_at") if first else None
    return moment if isinstance(moment, datetime) else None
