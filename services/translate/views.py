"""Jobs as the API shows them: a line of the queue, the whole job, an action's answer, the
changes a reviewer reads."""

from __future__ import annotations

from services.translate.domain.drafts import segment_change
from services.translate.domain.glossary import ignored
from services.translate.domain.model import Job
from shared.contracts.translate.rpc import (
    ActionReply,
    GlossaryHit,
    JobChanges,
    JobPage,
    JobSummary,
    JobView,
)


def summary(job: Job) -> JobSummary:
    return JobSummary.model_validate(job.model_dump())


def view(job: Job) -> JobView:
    return JobView.model_validate(job.model_dump())


def page(jobs: list[Job], next_rank: str | None) -> JobPage:
    return JobPage(items=[summary(job) for job in jobs], next=next_rank)


def action_reply(job: Job) -> ActionReply:
    """The job after a translator's or reviewer's action, with the glossary terms it ignores."""
    return ActionReply(job=view(job), warnings=glossary_warnings(job))


def glossary_warnings(job: Job) -> list[GlossaryHit]:
    """Glossary terms that a segment's target does not use, once each."""
    warnings: dict[tuple[str, str], GlossaryHit] = {}
    for segment in job.segments:
        for hit in ignored(segment.target or "", segment.glossary):
            warnings[(hit.source_term, hit.target_term)] = hit
    return list(warnings.values())


def changes(job: Job) -> JobChanges:
    """Each segment's draft beside its target, with the words a person changed."""
    segments = [segment_change(segment) for segment in job.segments]
    return JobChanges(job_id=job.id, status=job.status, machine=job.machine,
                      changed_segments=sum(1 for segment in segments if segment.changed),
                      segments=segments)
