"""What the public and the secretariat read of gatherings (the API's events): a page of them,
and one gathering's page with its parts, its series' other editions and its numbers. Nothing
here writes."""

from __future__ import annotations

from services.registration.domain import gatherings as rules
from services.registration.gathering_views import edition_summary, gathering_detail, gathering_view
from services.registration.handlers import Deps
from services.registration.handlers.gatherings import gathering_of
from services.registration.views import session_view
from shared.contracts.registration.gatherings import (
    EditionSummary,
    GatheringDetail,
    GatheringPage,
    GatheringQuery,
    GatheringRef,
)
from shared.db import Document


async def gathering_page(deps: Deps, query: GatheringQuery) -> GatheringPage:
    """One page of gatherings in order of creation, and the id of its last if more follow."""
    found = await deps.store.gathering_page(query.after, query.limit, query.published_only)
    parts = await _parts_by_gathering(deps, [g["_id"] for g in found], shown_only=True)
    last = found[-1]["_id"] if len(found) == query.limit else None
    return GatheringPage(items=[gathering_view(g, parts.get(g["_id"], [])) for g in found],
                         last=last)


async def gathering_detail_of(deps: Deps, ref: GatheringRef) -> GatheringDetail:
    """A gathering with its parts in time order (each as the sessions answer shows it, agenda
    included), its series' other editions and its numbers. The public sees no drafts."""
    gathering = await gathering_of(deps, ref.gathering_id, include_drafts=ref.include_drafts)
    parts = [p for p in await deps.store.parts([gathering["_id"]])
             if ref.include_drafts or p["status"] != "draft"]
    counted = await deps.store.counted_registrations([p["_id"] for p in parts])
    statistics = rules.statistics(len(parts), counted, gathering["reported"])
    views = [session_view(p, include_secret=ref.include_drafts) for p in parts]
    editions = await _editions(deps, gathering, include_drafts=ref.include_drafts)
    return gathering_detail(gathering, views, parts, editions, statistics, ref.lang)


async def _editions(deps: Deps, gathering: Document, *,
                    include_drafts: bool) -> list[EditionSummary]:
    """The other editions of its series (or, for a series, its editions), by number."""
    series_id = gathering["_id"] if gathering["kind"] == "series" else gathering["series_id"]
    if series_id is None:
        return []
    others = [e for e in await deps.store.editions(series_id)
              if e["_id"] != gathering["_id"] and rules.is_shown(e, include_drafts=include_drafts)]
    others.sort(key=lambda e: ((e["edition"] or {}).get("number", 0), e["_id"]))
    parts = await _parts_by_gathering(deps, [e["_id"] for e in others],
                                      shown_only=not include_drafts)
    return [edition_summary(e, parts.get(e["_id"], [])) for e in others]


async def _parts_by_gathering(deps: Deps, gathering_ids: list[str], *,
                              shown_only: bool) -> dict[str, list[Document]]:
    """The parts of several gatherings at once, by gathering (for their dates)."""
    grouped: dict[str, list[Document]] = {}
    if not gathering_ids:
        return grouped
    for part in await deps.store.parts(gathering_ids):
        if not shown_only or part["status"] != "draft":
            grouped.setdefault(part["event_id"], []).append(part)
    return grouped
