"""Building blocks of the catalog tests: files to upload, a published document, events in."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import nats
from faststream.nats import NatsBroker
from fpdf import FPDF

from shared.contracts.catalog.events import IngestedDocument
from shared.contracts.envelope import CloudEvent
from shared.settings import Settings


def a_pdf(text: str, pages: int = 1) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for page in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 10, f"{text} (page {page + 1}) " + "relleno " * 200)
    return bytes(pdf.output())


async def published_document(client: httpx.AsyncClient, editor: dict[str, str]) -> str:
    draft = {"type": "study", "source_language": "es", "title": {"es": "Estudio de compras"}}
    doc_id = str((await client.post("/v1/documents", json=draft, headers=editor)).json()["id"])
    await client.post(f"/v1/documents/{doc_id}/publish", headers=editor)
    return doc_id


async def upload(client: httpx.AsyncClient, editor: dict[str, str], doc_id: str, name: str,
                 data: bytes) -> httpx.Response:
    return await client.post(f"/v1/documents/{doc_id}/files", headers=editor,
                             files={"file": (name, data, "application/octet-stream")})


async def send(broker: NatsBroker, subject: str, data: dict[str, Any],
               event_id: str | None = None) -> str:
    event_id = event_id or uuid.uuid4().hex
    body, headers = CloudEvent(id=event_id, type=subject, source="test",
                               time=datetime.now(UTC), data=data).to_nats()
    headers["Nats-Msg-Id"] = uuid.uuid4().hex  # redeliveries must be caught by the inbox
    await broker.publish(body, subject, headers=headers, stream=subject.split(".")[0].upper())
    return event_id


async def stream_messages(settings: Settings, subject: str, stream: str,
                          count: int) -> list[tuple[str, dict[str, Any]]]:
    """The first `count` messages on `subject` (waits up to 5 s for them)."""
    connection = await nats.connect(settings.effective_nats_url())
    try:
        subscription = await connection.jetstream().pull_subscribe(subject, stream=stream)
        found: list[tuple[str, dict[str, Any]]] = []
        async with asyncio.timeout(5):
            while len(found) < count:
                for message in await subscription.fetch(count - len(found), timeout=5):
                    found.append((message.subject, json_of(message.data)))
        return found
    finally:
        await connection.close()


def json_of(data: bytes) -> dict[str, Any]:
    try:
        return dict(json.loads(data))
    except ValueError:
        return {}  # a dead letter of a malformed event keeps its bytes as they came


PORTAL_SUBJECT = IngestedDocument.subject_for("chilecompra")  # where INGESTED's portal sends


INGESTED = {"source": "chilecompra", "external_id": "pub-42", "type": "publication",
            "source_language": "es", "title": {"es": "Datos abiertos en compras"},
            "summary": {"es": "Resumen"}, "topics": ["open_data"], "countries": ["CL"],
            "published_on": "2024-03-05"}
