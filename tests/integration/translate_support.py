"""Building blocks of the translate tests: events in, the service behind the gateway, keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from faststream.nats import NatsBroker

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from services.translate.bootstrap import build_spec
from services.translate.settings import TranslateSettings
from shared.contracts.catalog.events import DocumentPublished, DocumentSnapshot
from shared.contracts.events import Event
from shared.service import start_service
from shared.settings import Settings
from tests.support import new_key, serving

BODY = ("La contratación pública es clave. La licitación fue abierta por la agencia. "
        "Los datos abiertos ayudan a las MIPYMES.")


async def publish(broker: NatsBroker, event: Event, event_id: str) -> None:
    """Publish an event as its service would: CloudEvent headers, onto its stream."""
    body, headers = event.to_cloudevent(event_id=event_id, source="dialogues/catalog",
                                        time=datetime.now(UTC)).to_nats()
    await broker.publish(body, event.subject(), headers=headers,
                         stream=event.subject().split(".", 1)[0].upper())


def snapshot(document_id: str, body: str = BODY, revision: int = 1,
             session_id: str | None = None) -> DocumentSnapshot:
    return DocumentSnapshot(
        document_id=document_id, revision=revision, type="guide", source_language="es",
        texts={"title": {"es": "Guía de compras"}, "body": {"es": body}},
        available_languages=["es"], missing_languages=["en"], session_id=session_id)


async def publish_document(broker: NatsBroker, document: DocumentSnapshot) -> None:
    await publish(broker, DocumentPublished(document=document),
                  f"pub-{document.document_id}-{document.revision}")


@asynccontextmanager
async def translate_gateway(settings: Settings, own: TranslateSettings
                            ) -> AsyncIterator[httpx.AsyncClient]:
    """The translate service with `own` settings behind the real gateway."""
    service = await start_service(build_spec(own), settings)
    try:
        async with serving(create_app(settings, GatewaySettings(rpc_timeout=2.0))) as client:
            client.app = client._transport.app  # type: ignore[attr-defined]
            yield client
    finally:
        await service.stop()


async def keyed(client: httpx.AsyncClient, role: str) -> tuple[dict[str, str], str]:
    """Headers with a new key of `role`, and that key's id."""
    key = await new_key(client.app, role)  # type: ignore[attr-defined,arg-type]
    headers = {"Authorization": f"Bearer {key}"}
    me = await client.get("/v1/me", headers=headers)
    return headers, str(me.json()["id"])


async def job_of(client: httpx.AsyncClient, headers: dict[str, str], document: str,
                 status: str = "draft_ready") -> dict[str, Any] | None:
    page = await client.get("/v1/translations", params={"document": document},
                            headers=headers)
    assert page.status_code == 200, page.text
    items = [item for item in page.json()["items"] if item["status"] == status]
    return items[0] if items else None


ENGLISH = {
    "La contratación pública es clave.": "Public procurement is key.",
    "La licitación fue abierta por la agencia.": "The tender was opened by the agency.",
    "Los datos abiertos ayudan a las MIPYMES.": "Open data helps MSMEs.",
    "Guía de compras": "Procurement guide",
}


def english(sentence: str) -> str:
    return ENGLISH.get(sentence, f"EN {sentence}")
