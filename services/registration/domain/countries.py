"""ISO 3166-1 alpha-2 codes, read once from the IANA `iso3166.tab` that tzdata ships."""

from __future__ import annotations

from importlib.resources import files
from typing import Final


def _load() -> frozenset[str]:
    text = files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text(encoding="utf-8")
    return frozenset(line.split("\t", 1)[0] for line in text.splitlines()
                     if line and not line.startswith("#"))


ISO_COUNTRIES: Final = _load()


def is_known_country(iso2: str) -> bool:
    """Whether `iso2` (any case) is an assigned ISO 3166-1 alpha-2 code."""
    return iso2.upper() in ISO_COUNTRIES
