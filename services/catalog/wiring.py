"""The catalog's own parts (documents, files, consumers), built on a running service."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from services.catalog.consumers import catalog_consumers
from services.catalog.entrypoints import catalog_routes
from services.catalog.filestore import FileStore
from services.catalog.handlers import Catalog
from services.catalog.store import DocumentStore
from services.catalog.uploads import Files
from shared.db import IndexSpec
from shared.service import Parts, Runtime

log = logging.getLogger(__name__)
ABANDONED_AFTER = timedelta(hours=1)
SWEEP_EVERY = 600.0

CATALOG_INDEXES: Sequence[IndexSpec] = (*DocumentStore.indexes(), *FileStore.indexes())


def catalog_parts(runtime: Runtime) -> Parts:
    """RPC responders and event consumers of the repository; the sweeper of upload pieces."""
    catalog = Catalog(DocumentStore(runtime.db), runtime.outbox.kick)
    files = FileStore(runtime.db)
    return Parts(routers=[catalog_routes(catalog, Files(catalog, files)),
                          catalog_consumers(runtime, catalog)],
                 background=[lambda: sweep_abandoned_uploads(files)])


async def sweep_abandoned_uploads(files: FileStore, every: float = SWEEP_EVERY) -> None:
    """Every few minutes, drop pieces of uploads started over an hour ago and never committed
    (a client that went away). Every replica may sweep: deleting twice is harmless."""
    while True:
        try:
            dropped = await files.drop_abandoned_parts(datetime.now(UTC) - ABANDONED_AFTER)
            if dropped:
                log.info("abandoned upload pieces dropped", extra={"pieces": dropped})
        except Exception as error:  # MongoDB away for a while: try at the next round
            log.warning("upload sweep failed", extra={"error": type(error).__name__})
        await asyncio.sleep(every)
