"""Wires the catalog service: the bilingual repository and its search.

Each catalog process keeps its own in-memory search index (a derived copy; MongoDB stays the
source of truth): it is rebuilt at every start and then follows the catalog's events.
"""

from __future__ import annotations

import asyncio
import logging

from services.catalog.entrypoints import event_router, rpc_router
from services.catalog.handlers import Deps
from services.catalog.handlers.files import drop_abandoned_uploads
from services.catalog.search import handlers as search
from services.catalog.search.engine import SearchEngine
from services.catalog.search.entrypoints import IndexSync, search_rpc
from services.catalog.search.oai.verbs import Harvest
from services.catalog.search.store import SearchStore
from services.catalog.session_entrypoints import materials_rpc, session_router
from services.catalog.settings import (
    ABANDONED_UPLOAD_AFTER,
    UPLOAD_SWEEP_EVERY,
    CatalogSettings,
)
from services.catalog.store import DOCUMENTS, INDEXES, DocumentStore, FileStore, SessionStore
from shared.bus import INGEST_STREAM, service_stream
from shared.clock import utc_now
from shared.inbox import Inbox
from shared.service import Parts, Runtime, ServiceSpec, joined

log = logging.getLogger(__name__)

SEARCH_INDEXES = SearchStore.indexes()


def deps_of(runtime: Runtime) -> Deps:
    """The repository handlers' dependencies for this runtime."""
    return Deps(DocumentStore(runtime.db), FileStore(runtime.db), runtime.outbox.kick, utc_now,
                SessionStore(runtime.db))


def catalog_parts(runtime: Runtime, own: CatalogSettings | None = None) -> Parts:
    """RPC responders and event consumers of the repository and of session materials; the
    sweeper of upload pieces; at start, the editors' list's fields for documents stored
    before it. `own`: the catalog's settings (from the environment unless given)."""
    deps = deps_of(runtime)
    sources = (own or CatalogSettings()).recording_sources
    return Parts(routers=[rpc_router(deps), event_router(runtime, deps), materials_rpc(deps),
                          session_router(runtime, deps, sources)],
                 on_start=[lambda: list_older_documents(deps)],
                 background=[lambda: sweep_abandoned_uploads(deps)])


async def list_older_documents(deps: Deps) -> None:
    """Documents stored before the editors' list get its fields (once; then a quick no-op)."""
    given = await deps.store.add_missing_listing_fields()
    if given:
        log.info("documents given their listing fields", extra={"documents": given})


async def sweep_abandoned_uploads(deps: Deps, every: float = UPLOAD_SWEEP_EVERY) -> None:
    """Every few minutes, drop pieces of uploads started over an hour ago and never committed
    (a client that went away). Every replica may sweep: deleting twice is harmless."""
    while True:
        try:
            dropped = await drop_abandoned_uploads(deps, ABANDONED_UPLOAD_AFTER)
            if dropped:
                log.info("abandoned upload pieces dropped", extra={"pieces": dropped})
        except Exception as error:  # MongoDB away for a while: try at the next round
            log.warning("upload sweep failed", extra={"error": type(error).__name__})
        await asyncio.sleep(every)


def new_index_sync(runtime: Runtime, engine: SearchEngine | None = None) -> IndexSync:
    """This process's search index (a fresh one unless given) and its event follower."""
    index = search.SearchIndex(SearchStore(runtime.db), engine or SearchEngine())
    return IndexSync(runtime.broker, index)


def search_parts(runtime: Runtime, sync: IndexSync | None = None,
                 own: CatalogSettings | None = None) -> Parts:
    """`rpc.catalog.search` and `rpc.catalog.oai` on this process's index; at start, the
    follower subscribes to the catalog's events and then the index is built from MongoDB
    (so nothing falls between); afterwards the follower applies each event. `own`: the
    catalog's settings (read from the environment unless given)."""
    sync = sync or new_index_sync(runtime)
    own = own or CatalogSettings()
    harvest = Harvest(sync.index.store, runtime.settings.public_base_url, own.admin_email,
                      utc_now)
    return Parts(routers=[search_rpc(sync.index, harvest)],
                 on_start=[lambda: rebuild_search_index(sync)], background=[sync.follow])


async def rebuild_search_index(sync: IndexSync) -> None:
    """Subscribe to the catalog's events, then build the index from MongoDB before serving."""
    await sync.subscribe()
    await search.rebuild(sync.index)


def build(runtime: Runtime) -> Parts:
    """Search first: its follower subscribes before anything of the repository serves."""
    return joined(search_parts(runtime), catalog_parts(runtime))


SPEC = ServiceSpec(
    name="catalog",
    build=build,
    indexes=[*Inbox.indexes(), *INDEXES, *SEARCH_INDEXES],
    # Member agencies' portals publish on ingest.catalog.>; TRANSLATE is declared by the
    # translate service too (idempotently): the catalog's consumer needs it at start, as its
    # copy of sessions needs REGISTRATION.
    extra_streams=(INGEST_STREAM, service_stream("translate"), service_stream("registration")),
    outbox_collections=(DOCUMENTS,),
)
