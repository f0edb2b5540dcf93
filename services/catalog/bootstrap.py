"""Wires the catalog service: the bilingual repository and its search."""

from services.catalog.search.wiring import (
    SEARCH_INDEXES,
    rebuild_search_index,
    search_background,
    search_routers,
)
from shared.bus import INGEST_STREAM
from shared.inbox import Inbox
from shared.service import ServiceSpec

SPEC = ServiceSpec(
    name="catalog",
    indexes=[*Inbox.indexes(), *SEARCH_INDEXES],
    routers=lambda runtime: [*search_routers(runtime)],
    extra_streams=(INGEST_STREAM,),  # member agencies' portals publish on ingest.catalog.>
    outbox_collections=("documents",),
    on_start=(rebuild_search_index,),
    background=search_background,
)
