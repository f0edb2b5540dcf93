"""Facet counts with the engine's terms aggregation, over every hit of the filtered query."""

from __future__ import annotations

from typing import Any

from shared.contracts.catalog.search import FacetCount

FACET_FIELDS = {"type": "type", "topic": "topic", "country": "country", "region": "region",
                "year": "year", "language": "language"}
MAX_BUCKETS = 100


def facet_aggregation() -> dict[str, Any]:
    return {name: {"terms": {"field": field, "size": MAX_BUCKETS}}
            for name, field in FACET_FIELDS.items()}


def read_facets(result: dict[str, Any]) -> dict[str, list[FacetCount]]:
    """`{"type": [{"value": "guide", "count": 3}, ...], ...}`, largest counts first."""
    facets: dict[str, list[FacetCount]] = {}
    for name in FACET_FIELDS:
        buckets = (result.get(name) or {}).get("buckets") or []
        counts = [FacetCount(value=_value(bucket["key"]), count=int(bucket["doc_count"]))
                  for bucket in buckets if int(bucket.get("doc_count", 0)) > 0]
        facets[name] = sorted(counts, key=lambda c: (-c.count, c.value))
    return facets


def _value(key: Any) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)
