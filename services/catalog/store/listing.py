"""The editors' list in MongoDB: the fields it is sorted and filtered by, kept with each
document at every write; the query a set of criteria makes; the indexes that serve it.

Every filter is an equality (or `$in`) on one indexed field followed by the sort key
`changed`, so whichever filter the planner picks, it reads that index in order and stops at
the page's end. Several filters at once: one index serves, the others are checked on the
documents it yields. Positions are strings (see `domain.listing.change_position`).
"""

from __future__ import annotations

from typing import Any

from services.catalog.domain.listing import (
    change_position,
    query_terms,
    title_terms,
    version_states,
)
from shared.contracts.catalog.editing import DocumentCriteria
from shared.db import Document, IndexSpec

CHANGED = "changed"
LISTING_FIELDS = (CHANGED, "title_terms", "version_states")
LISTED_BY = ("status", "type", "topics", "source", "version_states", "title_terms")
READABLE = ("original", "machine_draft", "reviewed")


def listing_indexes(collection: str) -> list[IndexSpec]:
    """The sort key alone, and each filtered field followed by it (one array field each)."""
    return [IndexSpec(collection, ((CHANGED, -1),)),
            *(IndexSpec(collection, ((name, 1), (CHANGED, -1))) for name in LISTED_BY)]


def listing_fields(doc: Document) -> Document:
    """The fields the list needs, from the document as it is being written."""
    return {CHANGED: change_position(doc["updated_at"], str(doc["_id"])),
            "title_terms": title_terms(doc["title"]), "version_states": version_states(doc)}


def listing_query(criteria: DocumentCriteria, after: str | None) -> dict[str, Any]:
    """The MongoDB filter for `criteria`, from below the position `after`."""
    query: dict[str, Any] = {}
    for name, values in (("status", criteria.status), ("type", criteria.type),
                         ("topics", criteria.topic)):
        if values:
            query[name] = values[0] if len(values) == 1 else {"$in": list(values)}
    if criteria.language is not None:
        statuses = criteria.language_status or READABLE
        query["version_states"] = {"$in": [f"{criteria.language}:{s}" for s in statuses]}
    if criteria.source is not None:
        query["source"] = criteria.source
    elif criteria.origin == "here":
        query["source"] = None  # missing or null, on MongoDB and the stand-in alike
    elif criteria.origin == "ingested":
        query["source"] = {"$gt": ""}  # any source name: a range of the index
    if terms := query_terms(criteria.title):
        query["title_terms"] = {"$all": terms}
    if after is not None:
        query[CHANGED] = {"$lt": after}
    return query
