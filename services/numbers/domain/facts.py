"""The facts the read model keeps, one per session, place, document and translation job.

Each fact is the latest state an event told of, never a running counter: applying the same
event twice, or an older one after a newer one, leaves the same fact (the store keeps the
newest by event time), so the figures are right whatever the redeliveries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SessionFact:
    """A session as its latest event described it."""

    session_id: str
    format: str
    topics: tuple[str, ...]
    countries: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    cancelled: bool


@dataclass(frozen=True)
class PlaceFact:
    """One registration: who (a keyed hash of the address, never the address), from where,
    and whether it now holds a place that counts as taking part."""

    registration_id: str
    session_id: str
    person: str
    country: str
    sector: str | None
    gender: str | None
    takes_part: bool


@dataclass(frozen=True)
class DocumentFact:
    """A document of the repository as its latest event described it."""

    document_id: str
    revision: int
    type: str
    languages: tuple[str, ...]
    settled: tuple[str, ...]
    """Required languages (es, en) with an original or reviewed text of this revision."""
    year: int
    published: bool


@dataclass(frozen=True)
class TranslationFact:
    """A completed translation job."""

    job_id: str
    target_language: str
