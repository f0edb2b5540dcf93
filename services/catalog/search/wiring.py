"""How search plugs into the catalog process: its routers, start hook and background loop.

Each catalog process keeps its own in-memory index (a derived copy; MongoDB stays the source
of truth): it is rebuilt at every start and then follows the catalog's events.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.catalog.search.engine import SearchEngine
from services.catalog.search.entrypoints import search_rpc
from services.catalog.search.sync import IndexSync
from shared.db import IndexSpec
from shared.service import Parts, Runtime

SEARCH_INDEXES: Sequence[IndexSpec] = (
    IndexSpec("documents", (("status", 1),)),
    IndexSpec("file_texts", (("document_id", 1),)),
)


def search_parts(runtime: Runtime, sync: IndexSync | None = None) -> Parts:
    """`rpc.catalog.search` and `rpc.catalog.oai` on this process's index; at start, the
    follower subscribes to the catalog's events and then the index is built from MongoDB
    (so nothing falls between); afterwards the follower applies each event."""
    sync = sync or IndexSync(runtime, SearchEngine())
    return Parts(routers=[search_rpc(runtime, sync.engine)],
                 on_start=[lambda: rebuild_search_index(sync)], background=[sync.follow])


async def rebuild_search_index(sync: IndexSync) -> None:
    """Subscribe to the catalog's events, then build the index from MongoDB before serving."""
    await sync.subscribe()
    await sync.rebuild()
