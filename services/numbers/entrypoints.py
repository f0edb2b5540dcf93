"""NATS subscribers and RPC responders of the numbers service: parse, call a handler, reply.

One durable consumer per stream it reads (registration, catalog, translate), each from the
stream's first message (a new deployment counts the history the streams still keep); each
event type it counts is parsed into its contract and handed to its handler, others skipped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from faststream.nats import NatsRouter

from services.numbers import handlers
from services.numbers.handlers import Deps
from shared.bus import RpcRoutes
from shared.consumer import consume_streams
from shared.contracts.catalog.events import (
    DocumentPublished,
    DocumentRevised,
    DocumentTranslated,
    DocumentWithdrawn,
)
from shared.contracts.envelope import CloudEvent
from shared.contracts.numbers.rpc import (
    Baseline,
    BaselineList,
    DeleteBaseline,
    GetNumbers,
    ListBaselines,
    Numbers,
    RecordBaseline,
)
from shared.contracts.registration import events as reg
from shared.contracts.translate.events import JobCompleted
from shared.service import Runtime

Handler = Callable[[CloudEvent], Awaitable[None]]
PLACE_EVENTS: dict[str, tuple[str, type[reg.ParticipantEvent]]] = {
    model.subject(): (kind, model) for kind, model in (
        ("confirmed", reg.ParticipantConfirmed), ("promoted", reg.ParticipantPromoted),
        ("attended", reg.ParticipantAttended), ("certificate", reg.CertificateIssued),
        ("no_show", reg.ParticipantNoShow), ("cancelled", reg.ParticipantCancelled),
        ("rejected", reg.ParticipantRejected), ("expired", reg.ParticipantExpired),
        ("waitlisted", reg.ParticipantWaitlisted), ("pending", reg.ParticipantPending),
        ("awaiting_confirmation", reg.ParticipantAwaitingConfirmation))}
"""The participant events that change a registration's state, by type, with their kind
(`already_registered` changes nothing: it tells an address's owner of a second attempt)."""
SESSION_EVENTS: dict[str, type[reg.SessionPublished | reg.SessionChanged |
                                reg.SessionRescheduled | reg.SessionCancelled]] = {
    model.subject(): model for model in (reg.SessionPublished, reg.SessionChanged,
                                         reg.SessionRescheduled, reg.SessionCancelled)}



def registration_routes(deps: Deps) -> dict[str, Handler]:
    """Registration event type -> handler."""
    async def place(ce: CloudEvent) -> None:
        kind, model = PLACE_EVENTS[ce.type]
        await handlers.when_participant_changes(deps, kind, model.from_cloudevent(ce), ce.time)

    async def session(ce: CloudEvent) -> None:
        event = SESSION_EVENTS[ce.type].from_cloudevent(ce)
        await handlers.when_session_is_described(
            deps, event.session, isinstance(event, reg.SessionCancelled), ce.time)

    return {**dict.fromkeys(PLACE_EVENTS, place), **dict.fromkeys(SESSION_EVENTS, session)}


def catalog_routes(deps: Deps) -> dict[str, Handler]:
    """Catalog event type -> handler."""
    async def published(ce: CloudEvent) -> None:
        model = DocumentPublished if ce.type == DocumentPublished.subject() else DocumentRevised
        await handlers.when_document_is_published(
            deps, model.from_cloudevent(ce).document, ce.time)

    async def withdrawn(ce: CloudEvent) -> None:
        await handlers.when_document_is_withdrawn(
            deps, DocumentWithdrawn.from_cloudevent(ce).document_id, ce.time)

    async def translated(ce: CloudEvent) -> None:
        await handlers.when_document_is_translated(deps, DocumentTranslated.from_cloudevent(ce))

    return {DocumentPublished.subject(): published, DocumentRevised.subject(): published,
            DocumentWithdrawn.subject(): withdrawn, DocumentTranslated.subject(): translated}


def translate_routes(deps: Deps) -> dict[str, Handler]:
    """Translate event type -> handler."""
    async def completed(ce: CloudEvent) -> None:
        await handlers.when_translation_is_completed(deps, JobCompleted.from_cloudevent(ce))

    return {JobCompleted.subject(): completed}


def event_router(runtime: Runtime, deps: Deps) -> NatsRouter:
    """The durable consumers of registration, catalog and translate events."""
    return consume_streams(runtime, {"registration": registration_routes(deps),
                                     "catalog": catalog_routes(deps),
                                     "translate": translate_routes(deps)})


def rpc_router(runtime: Runtime, deps: Deps) -> NatsRouter:
    """`rpc.numbers.*`: the figures and the baselines."""
    routes = RpcRoutes(runtime.service)

    @routes.responder("get", GetNumbers)
    async def get(_: GetNumbers) -> Numbers:
        return await handlers.the_numbers(deps)

    @routes.responder("record_baseline", RecordBaseline)
    async def record(request: RecordBaseline) -> Baseline:
        return await handlers.record_baseline(deps, request)

    @routes.responder("list_baselines", ListBaselines)
    async def list_(_: ListBaselines) -> BaselineList:
        return BaselineList(items=await deps.store.baselines())

    @routes.responder("delete_baseline", DeleteBaseline)
    async def delete(request: DeleteBaseline) -> BaselineList:
        return BaselineList(items=await handlers.delete_baseline(deps, request.baseline_id))

    return routes.router
