"""The work queue in figures: backlog per language pair, time to delivery, memory reuse."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.translate.domain.model import OPEN_STATUSES
from shared.contracts.translate.rpc import JobStatus, PairBacklog, TranslationStats


@dataclass(frozen=True)
class JobFacts:
    """What the statistics count of one job."""

    status: JobStatus
    source_language: str
    target_language: str
    created_at: datetime
    delivered_at: datetime | None
    segments: int
    memory_segments: int


def translation_stats(jobs: Iterable[JobFacts]) -> TranslationStats:
    """Open jobs per pair (superseded and finished ones excluded), the median hours from a
    job's creation to its delivery, and the share of segments memory filled."""
    backlog: dict[tuple[str, str], int] = {}
    hours: list[float] = []
    segments = memory = 0
    for job in jobs:
        if job.status in OPEN_STATUSES:
            pair = (job.source_language, job.target_language)
            backlog[pair] = backlog.get(pair, 0) + 1
        if job.delivered_at is not None:
            hours.append((job.delivered_at - job.created_at).total_seconds() / 3600)
        segments += job.segments
        memory += job.memory_segments
    pairs = [PairBacklog.model_validate({"source_language": s, "target_language": t,
                                         "open_jobs": n}) for (s, t), n in sorted(backlog.items())]
    return TranslationStats(
        backlog=pairs, delivered_jobs=len(hours),
        median_hours_to_delivery=round(statistics.median(hours), 3) if hours else None,
        segments=segments, memory_segments=memory,
        memory_reuse=round(memory / segments, 4) if segments else 0.0)
