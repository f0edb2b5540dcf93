"""Wires the catalog service: the bilingual repository and its search."""

from services.catalog.search.wiring import SEARCH_INDEXES, search_parts
from services.catalog.wiring import CATALOG_INDEXES, catalog_parts
from shared.bus import INGEST_STREAM, service_stream
from shared.inbox import Inbox
from shared.service import Parts, Runtime, ServiceSpec, joined


def build(runtime: Runtime) -> Parts:
    return joined(search_parts(runtime), catalog_parts(runtime))


SPEC = ServiceSpec(
    name="catalog",
    build=build,
    indexes=[*Inbox.indexes(), *CATALOG_INDEXES, *SEARCH_INDEXES],
    # Member agencies' portals publish on ingest.catalog.>; TRANSLATE is declared by the
    # translate service too (idempotently): the catalog's consumer needs it at start.
    extra_streams=(INGEST_STREAM, service_stream("translate")),
    outbox_collections=("documents",),
)
