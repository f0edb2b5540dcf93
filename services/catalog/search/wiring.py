"""How search plugs into the catalog process: its routers, start hook and background loops.

Each catalog process keeps its own in-memory index (a derived copy; MongoDB stays the source
of truth): it is rebuilt at every start and then follows the catalog's events.
"""

from __future__ import annotations

import weakref
from collections.abc import Coroutine, Sequence
from typing import Any

from faststream.nats import NatsRouter

from services.catalog.search.engine import SearchEngine
from services.catalog.search.entrypoints import search_rpc
from services.catalog.search.sync import IndexSync
from shared.db import IndexSpec
from shared.service import Runtime

SEARCH_INDEXES: Sequence[IndexSpec] = (
    IndexSpec("documents", (("status", 1),)),
    IndexSpec("file_texts", (("document_id", 1),)),
)

_SYNCS: dict[int, IndexSync] = {}
"""The index of each running catalog Runtime (several in one process in tests)."""


def index_sync(runtime: Runtime) -> IndexSync:
    """This runtime's index and its follower, made on first use."""
    key = id(runtime)
    if key not in _SYNCS:
        _SYNCS[key] = IndexSync(runtime, SearchEngine())
        weakref.finalize(runtime, _SYNCS.pop, key, None)
    return _SYNCS[key]


def search_routers(runtime: Runtime) -> list[NatsRouter]:
    """RPC responders (`rpc.catalog.search`, `rpc.catalog.oai`)."""
    return [search_rpc(runtime, index_sync(runtime).engine)]


async def rebuild_search_index(runtime: Runtime) -> None:
    """Subscribe to the catalog's events, then build the index from MongoDB before serving."""
    sync = index_sync(runtime)
    await sync.subscribe()
    await sync.rebuild()


def search_background(runtime: Runtime) -> Sequence[Coroutine[Any, Any, None]]:
    """The follower that applies the catalog's events to this process's index."""
    return (index_sync(runtime).follow(),)
