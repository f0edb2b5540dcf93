"""The network in numbers: participants of the sessions held and the repository's documents,
as bar charts drawn on the server (inline SVG, no script) beside the same figures in tables.

Counts of people come from `rpc.registration.stats`, which hides every cell under its
threshold (null): the page says "fewer than N" and draws no bar, so no small group can be
singled out here either. The repository's figures are the facets of an empty public search,
since the catalog's own statistics are for editors only.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from litestar import Request, Response, get
from litestar.di import NamedDependency

from services.gateway.context import Gateway
from services.gateway.site.formatting import Reader
from services.gateway.site.render import Page, reader_of, render
from shared.contracts.catalog.search import FacetCount, SearchReply, SearchRequest
from shared.contracts.registration.rpc import Stats, StatsQuery

WIDTH: Final = 720
BAR_MAX: Final = 640
"""The longest bar; the rest of the width holds its figure."""
ROW: Final = 46
"""Each row: its label on a line of its own (labels run to 60 characters), the bar below."""
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Bar:
    """One row of a chart: a code, its count (None when suppressed) and where it is drawn."""

    code: str
    value: int | None
    length: float
    top: int


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart; `names` says how to name its codes (a vocabulary of the
    reference data, or "months", "years", "genders")."""

    key: str
    names: str
    bars: tuple[Bar, ...]
    height: int
    width: int = WIDTH


def bar_chart(key: str, names: str, counts: Mapping[str, int | None],
              chronological: bool = False) -> Chart:
    """Bars scaled to the largest known count, largest first or in time order. Ranked by size,
    suppressed cells come last: their size is not known, so neither is their rank."""
    top = max((value for value in counts.values() if value), default=0)
    codes = sorted(counts) if chronological else sorted(
        counts, key=lambda code: (counts[code] is None, -(counts[code] or 0), code))
    bars = tuple(
        Bar(code, counts[code], round(BAR_MAX * (counts[code] or 0) / top, 1) if top else 0.0,
            index * ROW) for index, code in enumerate(codes))
    return Chart(key, names, bars, height=len(bars) * ROW + 6)


def facet_counts(facets: list[FacetCount]) -> dict[str, int | None]:
    """A search facet as counts by code."""
    return {facet.value: facet.count for facet in facets}


def participant_charts(stats: Stats) -> list[Chart]:
    """The registration figures, one chart per dimension."""
    return [bar_chart("region", "regions", stats.by_region),
            bar_chart("country", "member_states", stats.by_country),
            bar_chart("sector", "sectors", stats.by_sector),
            bar_chart("gender", "genders", stats.by_gender),
            bar_chart("format", "session_formats", stats.by_format),
            bar_chart("month", "months", stats.by_month, chronological=True)]


def document_charts(documents: SearchReply) -> list[Chart]:
    """The repository's figures, from the facets of a search for everything."""
    facets = documents.facets
    return [bar_chart("type", "document_types", facet_counts(facets.get("type", []))),
            bar_chart("topic", "topics", facet_counts(facets.get("topic", []))),
            bar_chart("language", "languages", facet_counts(facets.get("language", []))),
            bar_chart("year", "years", facet_counts(facets.get("year", [])),
                      chronological=True)]


def month_name(reader: Reader, code: str) -> str:
    """'marzo de 2027' for '2027-03'; anything else as it came."""
    match = _MONTH.match(code)
    if match is None or not 1 <= int(match[2]) <= 12:
        return code
    return reader.month(int(match[1]), int(match[2]))


@get("/numbers", include_in_schema=False, opt={"no_csrf": True})
async def numbers_page(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
                       ) -> Response[bytes]:
    """Headline figures, then participants and documents by each dimension."""
    reader = reader_of(request)
    stats, documents = await asyncio.gather(
        gateway.call("registration", "stats", StatsQuery(), Stats),
        gateway.call("catalog", "search", SearchRequest(lang=reader.lang, limit=1),
                     SearchReply))
    return render(request, Page("numbers.html", {
        "stats": stats, "documents_total": documents.total,
        "participant_charts": {c.key: c for c in participant_charts(stats)},
        "document_charts": {c.key: c for c in document_charts(documents)},
        "month_name": lambda code: month_name(reader, code)}))


HANDLERS = [numbers_page]
