"""What translate's scenarios are written with: the no-network engine, the documents and
sessions they publish, and `Backend`, the one face both backends show. The clock they move
is tests/support/clock.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from services.translate.engines import EngineError
from services.translate.settings import TranslateSettings
from shared.contracts.catalog.events import DocumentPublished, DocumentSnapshot
from shared.contracts.events import Event
from shared.contracts.registration.events import SessionSnapshot
from shared.contracts.translate import rpc
from tests.fake_libretranslate import fake_translation
from tests.support.clock import MovableClock

Reply = TypeVar("Reply", bound=BaseModel)
T = TypeVar("T")

BODY = ("La contratación pública es clave. La licitación fue abierta por la agencia. "
        "Los datos abiertos ayudan a las MIPYMES.")
MACHINE = TranslateSettings(engine="libretranslate", timeout=0.3, retries=3,
                            retry_backoff=0.05, breaker_failures=50)
"""Machine drafts: from the fake LibreTranslate server (real) or `BracketEngine` (memory)."""
ALICE, BOB, BOSS = "key-alice", "key-bob", "key-boss"
"""API key ids of two translators and a reviewer (the gateway passes the caller's id)."""


class BracketEngine:
    """The engine in memory: answers as tests/fake_libretranslate.py does, `#fail` included."""

    name: str | None = "libretranslate"

    def __init__(self, settings: TranslateSettings) -> None:
        self.retries = settings.retries

    async def translate(self, sentences: list[str], source: str, target: str) -> list[str]:
        if any("#fail" in sentence for sentence in sentences):
            raise EngineError(
                f"machine engine failed after {self.retries} attempts: HTTP 500")
        return [fake_translation(sentence, target) for sentence in sentences]


class Backend(Protocol):
    """The translate service as a scenario drives it, in memory or on the real servers."""

    clock: MovableClock

    async def call(self, action: str, request: BaseModel, reply: type[Reply]) -> Reply:
        """`rpc.translate.<action>`; an error reply raises `RpcFailure` with its code."""
        ...

    async def publish(self, event: Event, event_id: str) -> None:
        """Publish onto the event's stream, as its service would; return once applied."""
        ...

    async def eventually(self, check: Callable[[], Awaitable[T | None]], what: str) -> T:
        """What `check` returns once it is something (in memory: once all work is done)."""
        ...

    async def events(self, subject: str) -> list[dict[str, Any]]:
        """Every event translate published on `subject`, oldest first (their data)."""
        ...


def snapshot(document_id: str, body: str = BODY, revision: int = 1,
             session_id: str | None = None, available: tuple[str, ...] = ("es",),
             missing: tuple[str, ...] = ("en",), source: str = "es") -> DocumentSnapshot:
    """A published guide in `source`, as the catalog describes it."""
    return DocumentSnapshot.model_validate({
        "document_id": document_id, "revision": revision, "type": "guide",
        "source_language": source,
        "texts": {"title": {source: "Guía de compras"}, "body": {source: body}},
        "available_languages": list(available), "missing_languages": list(missing),
        "session_id": session_id})


async def publish_document(backend: Backend, document: DocumentSnapshot) -> None:
    await backend.publish(DocumentPublished(document=document),
                          f"pub-{document.document_id}-{document.revision}")


def session(session_id: str, starts_at: datetime, sequence: int = 0) -> SessionSnapshot:
    return SessionSnapshot.model_validate({
        "session_id": session_id, "title": {"es": "Compras públicas sostenibles"},
        "format": "webinar", "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2),
        "timezone": "UTC", "languages": ["es", "en"], "sequence": sequence})


async def jobs(backend: Backend, **filters: Any) -> list[rpc.JobSummary]:
    """The queue, most urgent first, as `list_jobs` answers it."""
    return (await backend.call("list_jobs", rpc.ListJobs(**filters), rpc.JobPage)).items


async def job_in(backend: Backend, document: str, status: str = "draft_ready",
                 target: str = "en") -> rpc.JobView:
    """The whole job of the document into `target`, once it is in `status`."""
    async def found() -> rpc.JobSummary | None:
        listed = await jobs(backend, document=document, target=target)
        return next((item for item in listed if item.status == status), None)
    summary = await backend.eventually(found, f"{document} {target} {status}")
    return await backend.call("get_job", rpc.JobId(job_id=summary.id), rpc.JobView)


async def act(backend: Backend, action: str, job_id: str, actor: str,
              **fields: Any) -> rpc.ActionReply:
    """A translator's or reviewer's action (`submit`, `approve`, `reject`, `save_draft`)."""
    models: dict[str, type[rpc.JobAction]] = {"save_draft": rpc.SaveDraft,
                                              "reject": rpc.RejectJob}
    request = models.get(action, rpc.JobAction).model_validate(
        {"job_id": job_id, "actor": actor, **fields})
    return await backend.call(action, request, rpc.ActionReply)


async def claim(backend: Backend, job_id: str, actor: str) -> rpc.ClaimReply:
    return await backend.call("claim", rpc.JobAction(job_id=job_id, actor=actor),
                              rpc.ClaimReply)


def english_draft(job: rpc.JobView) -> list[dict[str, str]]:
    """A target for every segment of the job."""
    return [{"id": segment.id, "target": f"EN {segment.source}"} for segment in job.segments]


async def submitted(backend: Backend, job: rpc.JobView, translator: str) -> rpc.ActionReply:
    """Claim, fill every segment and hand in: the job is then in review."""
    await claim(backend, job.id, translator)
    await act(backend, "save_draft", job.id, translator, segments=english_draft(job))
    return await act(backend, "submit", job.id, translator)
