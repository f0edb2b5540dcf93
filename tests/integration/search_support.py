"""The catalog's search side on its own, and documents in the shape the catalog stores them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.catalog.bootstrap import (
    SEARCH_INDEXES,
    new_index_sync,
    search_parts,
)
from services.catalog.search.entrypoints import IndexSync
from services.catalog.settings import CatalogSettings
from shared.service import Parts, Runtime, ServiceSpec

ADMIN_EMAIL = "repository@ingp.example"
CATALOG = CatalogSettings(admin_email=ADMIN_EMAIL)
_SYNCS: list[IndexSync] = []
"""The index of every search side started by these tests."""


def search_side_parts(runtime: Runtime) -> Parts:
    sync = new_index_sync(runtime)
    _SYNCS.append(sync)
    return search_parts(runtime, sync, CATALOG)


def index_sync(runtime: Runtime) -> IndexSync:
    """The index of the search side running on `runtime`."""
    return next(sync for sync in _SYNCS if sync.broker is runtime.broker)


SEARCH_SIDE = ServiceSpec(name="catalog", indexes=SEARCH_INDEXES, build=search_side_parts)
"""The catalog process with only its search side wired, independent of the rest."""


def document(doc_id: str, **fields: Any) -> dict[str, Any]:
    """A catalog document as the catalog stores it (published unless told otherwise)."""
    base: dict[str, Any] = {
        "_id": doc_id, "type": "study", "status": "published", "source_language": "es",
        "revision": 1, "title": {}, "summary": {}, "body": {}, "languages": {},
        "topics": [], "countries": [], "regions": [], "authors": [], "institutions": [],
        "published_on": "2021-05-04", "year": 2021, "files": [],
        "updated_at": datetime.now(UTC), "outbox": [],
    }
    base.update(fields)
    if not base["languages"]:
        base["languages"] = {lang: {"status": "original"} for lang in base["title"]}
    return base
