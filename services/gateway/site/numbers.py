"""The network in numbers: sessions held, the people who took part, the repository and its
translations, as bar charts drawn on the server (inline SVG, no script) beside the same
figures in tables, and the totals reached before this system shown apart.

Every figure comes from the numbers service's read model (`rpc.numbers.get`), the same one
`/v1/numbers` and `/v1/numbers.csv` publish under CC BY 4.0. It hides every cell of people
under its threshold (null): the page says "fewer than N" and draws no bar, so no small group
can be singled out here either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from litestar import Request, Response, get
from litestar.di import NamedDependency

from services.gateway.context import Gateway
from services.gateway.site.render import Page, render
from shared.contracts.numbers.rpc import GetNumbers, Numbers

WIDTH: Final = 720
BAR_MAX: Final = 640
"""The longest bar; the rest of the width holds its figure."""
ROW: Final = 46
"""Each row: its label on a line of its own (labels run to 60 characters), the bar below."""
BASELINE_ORDER: Final = ("sessions_held", "participants", "publications")
"""The order of the combined totals on the page, as the headline figures run."""


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
    reference data, or "years", "genders")."""

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


def charts(figures: Numbers) -> dict[str, Chart]:
    """Every chart of the page by key, one per dimension of the read model."""
    sessions, people = figures.sessions, figures.participants
    documents = figures.publications
    made = [
        bar_chart("sessions-year", "years", dict(sessions.by_year), chronological=True),
        bar_chart("sessions-format", "session_formats", dict(sessions.by_format)),
        bar_chart("sessions-topic", "topics", dict(sessions.by_topic)),
        bar_chart("sessions-region", "regions", dict(sessions.by_region)),
        bar_chart("people-country", "member_states", people.by_country),
        bar_chart("people-region", "regions", people.by_region),
        bar_chart("people-sector", "sectors", people.by_sector),
        bar_chart("people-gender", "genders", people.by_gender),
        bar_chart("documents-type", "document_types", dict(documents.by_type)),
        bar_chart("documents-language", "languages", dict(documents.by_language)),
        bar_chart("documents-year", "years", dict(documents.by_year), chronological=True),
        bar_chart("translations-language", "languages",
                  dict(figures.translations.by_target_language))]
    return {chart.key: chart for chart in made}


def combined_totals(figures: Numbers) -> list[tuple[str, int, int, int]]:
    """(figure, live, baseline, total) for each figure a baseline was recorded for: a total
    with nothing added would only repeat the live figure."""
    return [(name, part.live, part.baseline, part.total)
            for name in BASELINE_ORDER
            if (part := figures.combined.get(name)) is not None and part.baseline]


@get("/numbers", include_in_schema=False, opt={"no_csrf": True})
async def numbers_page(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
                       ) -> Response[bytes]:
    """Headline figures, each dimension as a chart and a table, then the baselines."""
    figures = await gateway.call("numbers", "get", GetNumbers(), Numbers)
    return render(request, Page("numbers.html", {
        "figures": figures, "charts": charts(figures),
        "combined": combined_totals(figures)}))


HANDLERS = [numbers_page]
