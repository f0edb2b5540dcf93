"""Wires the catalog service: the bilingual repository and its search."""

from shared.bus import INGEST_STREAM
from shared.inbox import Inbox
from shared.service import ServiceSpec

SPEC = ServiceSpec(
    name="catalog",
    indexes=Inbox.indexes(),
    extra_streams=(INGEST_STREAM,),  # member agencies' portals publish on ingest.catalog.>
    outbox_collections=("documents",),
)
