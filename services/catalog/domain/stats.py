"""Repository statistics: published documents by type, topic, year and language coverage."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from services.catalog.domain.languages import LANGUAGE_CODES, is_readable
from shared.contracts.catalog.rpc import CatalogStats

Doc = dict[str, Any]


def catalog_stats(facts: Iterable[Doc]) -> CatalogStats:
    """Count what is published (withdrawn ones only appear under `by_status`)."""
    status: Counter[str] = Counter()
    types: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    years: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    both = 0
    for doc in facts:
        status[doc["status"]] += 1
        if doc["status"] != "published":
            continue
        types[doc["type"]] += 1
        topics.update(doc.get("topics") or [])
        if doc.get("year"):
            years[str(doc["year"])] += 1
        readable = {lang for lang in LANGUAGE_CODES if is_readable(doc, lang)}
        languages.update(readable)
        both += {"es", "en"} <= readable
    return CatalogStats(documents=status["published"], by_status=dict(status),
                        by_type=dict(types), by_topic=dict(topics), by_year=dict(years),
                        by_language=dict(languages), readable_in_es_and_en=both)
