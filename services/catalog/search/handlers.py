"""Use cases of search: build this process's index from MongoDB, bring documents up to date
in it when the catalog says they changed, and answer searches from it.

The index is a derived copy: MongoDB stays the source of truth. Events are only signals; a
changed document is re-read by id, so applying one twice, late or out of order gives the same
index. The engine is CPU-bound and runs in worker threads.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from services.catalog.search.domain.indexable import is_searchable, to_indexable
from services.catalog.search.engine import SearchEngine
from services.catalog.search.store import SearchStore
from shared.contracts.catalog.search import SearchReply, SearchRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchIndex:
    """What search's handlers use: the catalog's documents, read only, and the engine."""

    store: SearchStore
    engine: SearchEngine


async def rebuild(index: SearchIndex) -> set[str]:
    """Index every published document (with its files' text) from MongoDB; their ids."""
    started, count, published = time.perf_counter(), 0, set[str]()
    texts = await index.store.file_texts_by_document()
    indexing: asyncio.Task[int] | None = None  # index one batch while reading the next
    async for batch in index.store.published_batches():
        entries = [to_indexable(d, texts.get(str(d["_id"]), ())) for d in batch]
        published.update(entry.id for entry in entries)
        count += await indexing if indexing else 0
        indexing = asyncio.create_task(asyncio.to_thread(index.engine.apply, entries))
    count += await indexing if indexing else 0
    log.info("search index rebuilt", extra={"documents": count,
                                            "seconds": round(time.perf_counter() - started, 2)})
    return published


async def when_documents_changed(index: SearchIndex, ids: Iterable[str]) -> None:
    """Make the index agree with MongoDB for these documents."""
    ids = list(ids)
    if not ids:
        return
    documents = await index.store.documents_by_id(ids)
    shown = [d for d in documents.values() if is_searchable(d)]
    texts = await index.store.file_texts_by_document([str(d["_id"]) for d in shown])
    entries = [to_indexable(d, texts.get(str(d["_id"]), ())) for d in shown]
    gone = [i for i in ids if i not in {e.id for e in entries}]
    await asyncio.to_thread(index.engine.apply, entries, gone)


async def when_events_were_missed(index: SearchIndex) -> None:
    """Rebuild, and drop from the index what is no longer published."""
    published = await rebuild(index)
    removed = await asyncio.to_thread(index.engine.keep_only, published)
    log.info("search index resynchronised", extra={"documents": len(published),
                                                   "removed": removed})


async def search(index: SearchIndex, request: SearchRequest) -> SearchReply:
    """A page of hits, the total and the facets."""
    return await asyncio.to_thread(index.engine.search, request)
