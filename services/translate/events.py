"""The one place that turns jobs into the shared `translate.>` event contracts."""

from __future__ import annotations

from datetime import datetime

from services.translate.domain.model import Job
from services.translate.domain.segments import assemble
from shared.contracts.events import Event
from shared.contracts.translate.events import (
    JobCompleted,
    JobDrafted,
    JobFailed,
    JobQueued,
    JobRef,
    Provenance,
)
from shared.db import Document
from shared.outbox import outbox_entry

SOURCE = "dialogues/translate"


def job_ref(job: Job) -> JobRef:
    return JobRef(job_id=job.id, document_id=job.document_id, revision=job.revision,
                  subject=job.subject, source_language=job.source_language,
                  target_language=job.target_language)


def _entry(job: Job, event: Event, now: datetime) -> Document:
    # One id per (job, event kind, version read): a retried write of the same decision cannot
    # make a second event, and JetStream drops a republished one.
    event_id = f"{job.id}.{event.stem.rsplit('.', 1)[-1]}.{job.version}"
    return outbox_entry(event, event_id=event_id, source=SOURCE, now=now, subject=job.id)


def queued(job: Job, now: datetime) -> Document:
    return _entry(job, JobQueued(job=job_ref(job), due_at=job.due_at, priority=job.priority), now)


def drafted(job: Job, now: datetime) -> Document:
    return _entry(job, JobDrafted(job=job_ref(job), machine=job.machine), now)


def failed(job: Job, now: datetime) -> Document:
    return _entry(job, JobFailed(job=job_ref(job), reason=job.reason or "failed"), now)


def completed(job: Job, now: datetime) -> Document:
    provenance = Provenance(engine=job.engine if job.machine else None,
                            translator=job.translator, reviewer=job.reviewer, completed_at=now)
    return _entry(job, JobCompleted(job=job_ref(job), texts=assemble(job.segments),
                                    provenance=provenance), now)
