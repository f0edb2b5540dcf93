"""Wires the catalog service: the bilingual repository and its search."""

from services.catalog.search.wiring import (
    SEARCH_INDEXES,
    rebuild_search_index,
    search_background,
    search_routers,
)
from services.catalog.wiring import CATALOG_INDEXES, catalog_background, catalog_routers
from shared.bus import INGEST_STREAM, service_stream
from shared.inbox import Inbox
from shared.service import ServiceSpec

SPEC = ServiceSpec(
    name="catalog",
    indexes=[*Inbox.indexes(), *CATALOG_INDEXES, *SEARCH_INDEXES],
    routers=lambda runtime: [*catalog_routers(runtime), *search_routers(runtime)],
    # Member agencies' portals publish on ingest.catalog.>; TRANSLATE is declared by the
    # translate service too (idempotently): the catalog's consumer needs it at start.
    extra_streams=(INGEST_STREAM, service_stream("translate")),
    outbox_collections=("documents",),
    on_start=(rebuild_search_index,),
    background=lambda runtime: [*search_background(runtime), *catalog_background(runtime)],
)
