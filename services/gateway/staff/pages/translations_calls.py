"""What the translators' pages share: who acts, loading a job, and refusals in words.

The service answers refusals in English for the API; a page says them in the reader's
language, chosen by what was tried and the refusal's kind (the service's own message stays
in the API's answers).
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Request

from services.gateway.context import gateway_of
from services.gateway.problems import RPC_STATUS
from services.gateway.staff.i18n import gettext
from services.gateway.staff.people import signed_in_person
from shared.contracts.rpc import RpcFailure
from shared.contracts.translate.rpc import JobChanges, JobId, JobView


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


REFUSALS: Final[dict[tuple[str, str], str]] = {
    ("claim", "conflict"): N_("This job cannot be claimed now: another translator holds it, "
                              "or it has moved on."),
    ("save", "conflict"): N_("The job changed since you opened it, so nothing was saved. "
                             "It is shown again as it is now; your unsaved text is below "
                             "each segment."),
    ("save", "invalid"): N_("The translation could not be saved: a segment is too long or "
                            "unknown."),
    ("submit", "conflict"): N_("The job changed since you opened it, so it was not submitted. "
                               "It is shown again as it is now; your unsaved text is below "
                               "each segment."),
    ("submit", "invalid"): N_("Every segment needs a translation before you submit."),
    ("approve", "conflict"): N_("This job is not waiting for review any more."),
    ("approve", "forbidden"): N_("You translated this job: another translator must review "
                                 "it."),
    ("reject", "conflict"): N_("This job is not waiting for review any more."),
    ("reject", "forbidden"): N_("You translated this job: another translator must review "
                                "it."),
}
OTHER_REFUSAL: Final = N_("That could not be done; the job is shown as it is now.")

STATUS_LABELS: Final[dict[str, str]] = {
    "queued": N_("Queued"), "drafting": N_("Machine draft in progress"),
    "draft_ready": N_("Ready to translate"), "in_review": N_("In review"),
    "rejected": N_("Sent back"), "approved": N_("Approved"), "delivered": N_("Delivered"),
    "failed": N_("Machine draft failed"), "superseded": N_("Superseded"),
    "cancelled": N_("Cancelled"),
}
DONE_MESSAGES: Final[dict[str, str]] = {
    "claimed": N_("The job is yours: translate it, then submit it for review."),
    "saved": N_("Your translation is saved."),
    "submitted": N_("The translation is submitted for review."),
    "approved": N_("The translation is approved; the document receives it."),
    "rejected": N_("The job is sent back to its translator."),
}


FIELD_LABELS: Final[dict[str, str]] = {
    "title": N_("Title"), "summary": N_("Summary"), "body": N_("Text"),
    "rationale": N_("Rationale"), "objectives": N_("Objective"),
    "parent_event": N_("Parent event"), "agenda": N_("Agenda"), "people": N_("Speaker's bio"),
}
"""Segments' fields by the first part of their path (a session's texts are paths such as
`agenda.<block>.slots.<slot>.title`); the source text beside it tells the parts apart."""


def field_label(field: str) -> str:
    """Where a segment comes from in the document or session, in the reader's language (an
    unknown field is shown as it is, rather than hidden)."""
    label = FIELD_LABELS.get(field.split(".", 1)[0])
    return gettext(label) if label else field


def job_status(status: str) -> str:
    """A job's status in the reader's language."""
    return gettext(STATUS_LABELS.get(status, status))


def done_message(done: str) -> str:
    """What the page reports after a form (`?done=`)."""
    return gettext(DONE_MESSAGES.get(done, done))


TEXTS: Final = {"job_status": job_status, "done_message": done_message,
                "field_label": field_label}
"""The functions every translators' template uses."""


def actor_of(request: Request[Any, Any, Any]) -> str:
    """The signed-in account's id: the actor the service records (the guard ran)."""
    person = signed_in_person(request)
    if person is None:  # pragma: no cover - every handler here has a staff guard
        raise RuntimeError("a translators' page ran without a signed-in person")
    return person.account_id


async def load_job(request: Request[Any, Any, Any], job_id: str) -> JobView:
    """The job as the editor shows it (an unknown id raises: the 404 page)."""
    return await gateway_of(request.app).call("translate", "get_job", JobId(job_id=job_id),
                                              JobView)


async def load_changes(request: Request[Any, Any, Any], job_id: str) -> JobChanges:
    """Each segment's draft beside its target, with the word diff (for reviewers)."""
    return await gateway_of(request.app).call("translate", "changes", JobId(job_id=job_id),
                                              JobChanges)


def refusal_of(failure: RpcFailure, action: str) -> tuple[int, str]:
    """The HTTP status and the reader's message for a refused `action`; a failure that is
    no refusal (the service is down) is raised again, for the error page."""
    status = RPC_STATUS[failure.code]
    if status >= 500 or failure.code == "not_found":
        raise failure
    return status, gettext(REFUSALS.get((action, failure.code), OTHER_REFUSAL))


def is_conflict(status: int) -> bool:
    """A 409: the job moved on since the page was read."""
    return status == 409
