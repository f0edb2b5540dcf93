"""What readers and editors may read: a document (at a revision), its history, who holds a
content, the repository's figures, and the editors' list of documents in every status."""

from __future__ import annotations

from services.catalog.domain.documents import ensure_readable
from services.catalog.domain.errors import Refusal
from services.catalog.domain.stats import catalog_stats
from services.catalog.handlers import Deps
from services.catalog.views import document_summary, revision_info
from shared.contracts.catalog.editing import DocumentPage, ListDocuments
from shared.contracts.catalog.rpc import CatalogStats, RevisionList
from shared.db import Document


async def readable(deps: Deps, document_id: str, include_drafts: bool = False) -> Document:
    """The document if readers may see it (drafts only when asked for, by editors)."""
    return ensure_readable(await deps.store.get(document_id), document_id, include_drafts)


async def document_at(deps: Deps, document_id: str, revision: int | None,
                      include_drafts: bool = False) -> Document:
    """A readable document as it is, or as it was at an older `revision`."""
    doc = await readable(deps, document_id, include_drafts)
    if revision is None or revision == doc["revision"]:
        return doc
    old = await deps.store.revision(document_id, revision)
    if old is None:
        raise Refusal("not_found", f"there is no revision {revision}")
    return old


async def revision_page(deps: Deps, document_id: str, before: int | None,
                        limit: int) -> RevisionList:
    """A readable document's revisions, newest first, from below `before`."""
    doc = await readable(deps, document_id)
    items = [] if before and before <= doc["revision"] else [revision_info(doc, current=True)]
    old = await deps.store.revisions_before(doc["_id"], before, limit - len(items) + 1)
    items += [revision_info({**r, "_id": doc["_id"]}, current=False) for r in old]
    more = len(items) > limit
    items = items[:limit]
    return RevisionList(items=items, next_before=items[-1].revision if more else None)


async def documents_holding(deps: Deps, sha256: str) -> list[str]:
    """Ids of the documents that have a file with this content."""
    return await deps.store.holding_content(sha256)


async def stats(deps: Deps) -> CatalogStats:
    """The repository's figures: what is published, by type, topic, year and language."""
    return catalog_stats(await deps.store.published_facts())


async def document_page(deps: Deps, request: ListDocuments) -> DocumentPage:
    """One page of the editors' list, latest change first, drafts and withdrawn included."""
    found = await deps.store.listed(request.criteria, request.after, request.limit + 1)
    page = found[:request.limit]
    more = len(found) > request.limit
    return DocumentPage(items=[document_summary(doc) for doc in page],
                        next_after=page[-1]["changed"] if more else None)
