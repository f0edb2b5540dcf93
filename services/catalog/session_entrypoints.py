"""The NATS entrypoints of session materials: `rpc.catalog.attach_material`, the durable
consumer of registration's session events (the catalog's copy of sessions) and the one of the
webinar platform's recordings (`ingest.catalog.<source>.recording.v1`).

The session consumer reads `registration.session.>` only: registration's stream also carries
participants' addresses, which the catalog has no business reading (deploy/nats.conf grants it
this filter alone). A recording is accepted only from the sources the catalog is told to trust
(`CATALOG_RECORDING_SOURCES`): a member portal may publish under its own source, and no portal
may add recordings to the network's sessions. The source is the subject's token, which the
server checked against the sender's permissions; an unknown session, an unknown slot or bad
data is dead-lettered at once with a rejection event the platform can follow."""

from __future__ import annotations

import logging

from faststream.nats import NatsRouter

from services.catalog.domain.errors import Refusal
from services.catalog.domain.sessions import SessionStatus
from services.catalog.handlers import Deps
from services.catalog.handlers.materials import attach_material, when_platform_sends_recording
from services.catalog.handlers.sessions import when_session_is_announced
from services.catalog.views import document_view
from shared.bus import RpcRoutes, ServiceError
from shared.consumer import PermanentFailure, delivered_subject, subscribe
from shared.contracts.catalog.materials import AttachMaterial, IngestedRecording
from shared.contracts.catalog.rpc import DocumentView
from shared.contracts.envelope import CloudEvent
from shared.contracts.registration import events as sessions
from shared.service import Runtime

log = logging.getLogger(__name__)

SESSIONS_DURABLE = "catalog-sessions"
RECORDINGS_DURABLE = "catalog-recordings"
STATUS_OF_EVENT: dict[str, SessionStatus] = {
    sessions.SessionPublished.subject(): "published",
    sessions.SessionRescheduled.subject(): "published",
    sessions.SessionChanged.subject(): "published",
    sessions.SessionCancelled.subject(): "cancelled",
}


def materials_rpc(deps: Deps) -> NatsRouter:
    """`rpc.catalog.attach_material`."""
    routes = RpcRoutes("catalog")

    @routes.responder("attach_material", AttachMaterial)
    async def attach(request: AttachMaterial) -> DocumentView:
        material = request.material
        doc = await attach_material(deps, request.session_id, material.kind,
                                    material.model_dump(exclude_none=True), request.editor)
        return document_view(doc, None)

    return routes.router


def session_router(runtime: Runtime, deps: Deps, recording_sources: frozenset[str]
                   ) -> NatsRouter:
    """Durable consumers of session events and of the platform's recordings."""
    router = NatsRouter()

    async def on_session_event(event: CloudEvent) -> None:
        status = STATUS_OF_EVENT.get(event.type)
        if status is None:
            return  # another session event (none today): nothing the copy keeps
        session = sessions.SessionPublished.model_validate(event.data).session
        kept = await when_session_is_announced(deps, session, status, event.time)
        log.info("session copy", extra={"session_id": session.session_id, "kept": kept,
                                        "status": status})

    async def on_recording(event: CloudEvent) -> None:
        source = IngestedRecording.source_of(delivered_subject(runtime))
        if source is None or source not in recording_sources:
            raise PermanentFailure("recordings are not taken from this source")
        item = IngestedRecording.from_cloudevent(event)
        try:
            doc = await when_platform_sends_recording(deps, source, item)
        except Refusal as refusal:
            raise ServiceError(refusal.code, refusal.message) from None
        log.info("recording ingested", extra={"document_id": doc["_id"],
                                              "session_id": item.session_id})

    subscribe(router, runtime, subject="registration.session.>", stream="REGISTRATION",
              durable=SESSIONS_DURABLE, handler=on_session_event)
    subscribe(router, runtime, subject=IngestedRecording.subject(), stream="INGEST",
              durable=RECORDINGS_DURABLE, handler=on_recording)
    return router
