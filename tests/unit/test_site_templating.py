"""The site's template environment and formats: small rules with small tests."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from services.gateway.site.formatting import Reader
from services.gateway.site.templating import environment

pytestmark = pytest.mark.unit


def test_a_name_the_handler_never_passed_fails_the_page() -> None:
    template = environment().from_string("{% for c in choices %}{{ c }}{% endfor %}")
    with pytest.raises(UndefinedError):
        template.render()


def test_a_missing_key_of_a_passed_value_is_empty() -> None:
    template = environment().from_string("[{{ errors.email }}]{% if errors.name %}x{% endif %}")
    assert template.render(errors={}) == "[]"


def test_text_is_escaped() -> None:
    assert environment().from_string("{{ t }}").render(t="<b>") == "&lt;b&gt;"


@pytest.mark.parametrize("lang", ["es", "en", "pt", "fr"])
def test_the_universal_zone_is_called_utc(lang: str) -> None:
    assert Reader(lang).zone_label("UTC") == "UTC"
    assert Reader(lang).zone_label("Etc/UTC") == "UTC"
    assert "Panam" in Reader(lang).zone_label("America/Panama")
