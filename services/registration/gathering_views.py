"""Gatherings (the API's events) as the API shows them: the gathering, the editions of its
series, and its page with parts and numbers."""

from __future__ import annotations

from collections.abc import Sequence

from services.registration.domain.gatherings import localized, span
from shared.contracts.registration.gatherings import (
    EditionSummary,
    GatheringDetail,
    GatheringStats,
    GatheringView,
)
from shared.contracts.registration.rpc import SessionView
from shared.db import Document
from shared.reference import LanguageCode


def gathering_view(gathering: Document, parts: Sequence[Document] = ()) -> GatheringView:
    """The API shape of a gathering; its dates from `parts` when it declares none."""
    starts_on, ends_on = span(gathering, parts)
    return GatheringView(
        id=gathering["_id"], status=gathering["status"], kind=gathering["kind"],
        title=gathering["title"], summary=gathering["summary"],
        organisers=gathering["organisers"], partners=gathering["partners"],
        venue=gathering["venue"], topics=gathering["topics"],
        countries=gathering["countries"], keywords=gathering["keywords"],
        rationale=gathering["rationale"], agreements=gathering["agreements"],
        registration=gathering["registration"], series_id=gathering["series_id"],
        edition=gathering["edition"], starts_on=starts_on, ends_on=ends_on,
        date_precision=gathering["date_precision"], timezone=gathering["timezone"],
        reported=gathering["reported"],
        provenance=_provenance(gathering) if gathering["status"] == "draft" else None)


def _provenance(gathering: Document) -> dict[str, object] | None:
    """Where an announced event came from (its `rev` mark is bookkeeping, not shown)."""
    origin = gathering.get("provenance")
    return None if origin is None else {k: v for k, v in origin.items() if k != "rev"}


def edition_summary(gathering: Document, parts: Sequence[Document]) -> EditionSummary:
    """Another edition as a gathering's page links it: what, when and where."""
    starts_on, ends_on = span(gathering, parts)
    venue = gathering["venue"] or {}
    return EditionSummary(
        id=gathering["_id"], title=gathering["title"], edition=gathering["edition"],
        starts_on=starts_on, ends_on=ends_on, date_precision=gathering["date_precision"],
        city=venue.get("city"), country=venue.get("country"))


def gathering_detail(gathering: Document, parts: list[SessionView], part_documents:
                     Sequence[Document], editions: list[EditionSummary],
                     statistics: GatheringStats, lang: LanguageCode | None) -> GatheringDetail:
    """A gathering's page; with `lang`, its title and summary in that language."""
    return GatheringDetail(
        event=gathering_view(gathering, part_documents), parts=parts, editions=editions,
        statistics=statistics, lang=lang,
        title_text=localized(gathering["title"], lang) if lang else None,
        summary_text=localized(gathering["summary"], lang) if lang else None)
