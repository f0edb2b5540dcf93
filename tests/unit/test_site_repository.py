"""The repository and statistics pages' own rules: reading a search address, toggling filters,
highlighting snippets safely, sizing files, and drawing charts."""

from __future__ import annotations

import pytest
from litestar.datastructures import MultiDict
from litestar.exceptions import ClientException

from services.gateway.pages import encode_cursor
from services.gateway.site.formatting import Reader
from services.gateway.site.numbers import bar_chart, charts, combined_totals
from services.gateway.site.repository import file_kind, file_size, language_in_text, paragraphs
from services.gateway.site.search_query import Query, facet_options, read_query, snippet_parts
from services.gateway.site.templating import environment
from shared.contracts.catalog.search import FacetCount
from shared.contracts.numbers.rpc import Numbers

pytestmark = pytest.mark.unit


def query_of(*pairs: tuple[str, str]) -> Query:
    return read_query(MultiDict(list(pairs)))


def test_a_snippet_is_highlighted_only_where_the_catalog_marked_it() -> None:
    parts = snippet_parts("a &lt;b&gt;x&lt;/b&gt; &amp; <b>compra</b> y <b>compras</b>.")
    assert parts == [("a <b>x</b> & ", False), ("compra", True), (" y ", False),
                     ("compras", True), (".", False)]
    template = environment().from_string(
        "{% for t, m in parts %}{% if m %}<mark>{{ t }}</mark>{% else %}{{ t }}{% endif %}"
        "{% endfor %}")
    assert template.render(parts=parts) == (
        "a &lt;b&gt;x&lt;/b&gt; &amp; <mark>compra</mark> y <mark>compras</mark>.")


def test_unknown_filters_are_dropped_and_known_ones_normalised() -> None:
    query = query_of(("q", " compras "), ("type", "guide"), ("type", "nonsense"),
                     ("country", "cl"), ("country", "XX"), ("year", "20x1"),
                     ("language", "pt"), ("sort", "sideways"), ("type", "guide"))
    assert query.q == "compras" and query.sort == "" and query.order == "relevance"
    assert query.filters == {"type": ("guide",), "country": ("CL",), "language": ("pt",)}
    request = query.request("es")
    assert (request.type, request.country, request.available_in) == (["guide"], ["CL"], ["pt"])
    assert request.lang == "es" and request.year_from is None
    assert query.request("es", without="type", limit=1).type == []


def test_no_words_list_the_newest_first_and_a_year_is_one_range() -> None:
    query = query_of(("year", "2021"), ("year", "2022"))
    assert query.order == "date" and query.filters == {"year": ("2021",)}
    request = query.request("fr")
    assert (request.year_from, request.year_to, request.sort) == (2021, 2021, "date")


@pytest.mark.parametrize("pairs", [[("cursor", "garbage!")], [("cursor", encode_cursor("x1"))],
                                   [("cursor", encode_cursor("o99999"))], [("q", "x" * 501)]])
def test_what_cannot_be_read_is_a_bad_request(pairs: list[tuple[str, str]]) -> None:
    with pytest.raises(ClientException):
        query_of(*pairs)


def test_links_toggle_one_filter_and_go_back_to_the_first_page() -> None:
    query = query_of(("q", "a b"), ("type", "guide"), ("cursor", encode_cursor("o20") or ""))
    assert query.offset == 20
    assert query.toggled("type", "study") == "/search?q=a+b&type=guide&type=study"
    assert query.toggled("type", "guide") == "/search?q=a+b"
    assert query_of(("year", "2020")).toggled("year", "2021") == "/search?year=2021"
    assert query.url(offset=30).endswith("&cursor=" + (encode_cursor("o30") or ""))
    assert Query().url() == "/search"


def test_facet_options_keep_a_chosen_value_without_hits_and_run_years_newest_first() -> None:
    query = query_of(("topic", "msmes"))
    options = facet_options(query, "topic", [FacetCount(value="open_data", count=3)])
    assert [(o.code, o.count, o.selected) for o in options] == [
        ("open_data", 3, False), ("msmes", 0, True)]
    years = facet_options(Query(), "year", [FacetCount(value="2019", count=5),
                                            FacetCount(value="2023", count=1)])
    assert [o.code for o in years] == ["2023", "2019"]


def test_files_and_texts_read_naturally() -> None:
    assert file_kind("application/pdf") == "PDF" and file_kind("image/png; q=1") == "PNG"
    assert file_size(1_234_567, "es") == "1,2 MB" and file_size(340_000, "fr") == "340\u202fko"
    assert file_size(17, "es") == "17 B"
    assert language_in_text("pt", "es") == "portugués" and language_in_text("pt", "en") == (
        "Portuguese")
    assert paragraphs("Uno.\r\n\r\nDos\nsigue.\n \n\n") == ["Uno.", "Dos\nsigue."]


def test_bars_are_scaled_to_the_largest_and_suppressed_cells_come_last() -> None:
    chart = bar_chart("country", "member_states", {"CL": None, "MX": 6000, "PA": 12345})
    assert [(b.code, b.length) for b in chart.bars] == [("PA", 640.0), ("MX", 311.1),
                                                        ("CL", 0.0)]
    years = bar_chart("year", "years", {"2027": 5, "2026": 9}, chronological=True)
    assert [b.code for b in years.bars] == ["2026", "2027"]
    assert bar_chart("empty", "regions", {}).bars == ()


def test_a_chart_is_svg_without_inline_style_and_its_table_formats_numbers() -> None:
    chart = bar_chart("country", "member_states", {"CL": None, "MX": 6000, "PA": 12345})
    html = environment().from_string(
        '{% from "macros/charts.html" import bar_chart with context %}'
        '{{ bar_chart(chart, "Por país", "País", "Participantes", name_of, "menos de 5") }}'
    ).render(chart=chart, reader=Reader("es"), name_of=lambda names, code: code)
    assert 'role="img" aria-labelledby="chart-country-svg-title chart-country-svg-desc"' in html
    assert html.count("<rect ") == 2 and 'fill="#00538f"' in html and ' style=' not in html
    assert '<th scope="row">PA</th><td class="num">12.345</td>' in html
    assert '<th scope="row">CL</th><td class="num">menos de 5</td>' in html
    assert "<caption>Por país</caption>" in html


def figures(**baselines: int) -> Numbers:
    """The read model's answer with a few cells, and `baselines` added to its live figures."""
    live = {"sessions_held": 3, "publications": 2, "participants": 12}
    return Numbers.model_validate({
        "generated_at": "2027-03-01T12:00:00Z", "suppressed_below": 5,
        "sessions": {"held": 3, "by_year": {"2027": 1, "2026": 2}, "by_format": {"webinar": 3},
                     "by_topic": {}, "by_region": {"unknown": 3}},
        "participants": {"unique": 12, "countries": 2, "by_country": {"PA": 10, "CL": None},
                         "by_region": {}, "by_sector": {}, "by_gender": {}},
        "publications": {"published": 2, "by_type": {"guide": 2}, "by_language": {"es": 2},
                         "by_year": {"2026": 2}},
        "translations": {"published_documents": 2, "covered": 1, "coverage": 0.5,
                         "jobs_completed": 1, "by_target_language": {"en": 1}},
        "baselines": [],
        "combined": {name: {"live": value, "baseline": baselines.get(name, 0),
                            "total": value + baselines.get(name, 0)}
                     for name, value in live.items()}})


def test_the_numbers_page_draws_every_dimension_of_the_read_model() -> None:
    drawn = charts(figures())
    assert len(drawn) == 12
    assert [b.code for b in drawn["sessions-year"].bars] == ["2026", "2027"]
    assert [(b.code, b.value) for b in drawn["people-country"].bars] == [("PA", 10),
                                                                       ("CL", None)]
    assert drawn["translations-language"].names == "languages"


def test_only_figures_with_a_baseline_are_shown_added_together() -> None:
    assert combined_totals(figures()) == []
    assert combined_totals(figures(publications=65, participants=9000)) == [
        ("participants", 12, 9000, 9012), ("publications", 2, 65, 67)]
