"""What the fault tests do to the running system: keys, sessions, registrations through the
gateway, events on the bus, and looks into the databases and the dead-letter stream."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from shared.db import make_client
from shared.settings import SERVICES
from tests.faults.stack_support import Stack as Stack  # re-exported for the tests
from tests.support.quiet import Servers, quiet
from tests.support.up import ROOT


async def settle(stack: Stack, timeout: float = 60.0) -> None:
    """Return once the stack has nothing left to do (tests/support/quiet.py): the barrier
    before asserting that no late duplicate came."""
    await quiet(Servers(stack.nats.url, stack.mongo.url, stack.env["DB_PREFIX"]),
                timeout=timeout)


async def secretariat_key(stack: Stack) -> dict[str, str]:
    """Authorization headers of a fresh secretariat key, made straight in the gateway's store."""
    from services.gateway.context import SERVICE
    from services.gateway.keys import KeyStore
    from shared.db import ensure_indexes, make_client

    client = make_client(stack.settings, app_name="faults-test")
    try:
        db = client[stack.settings.database_name(SERVICE)]
        await ensure_indexes(db, KeyStore.indexes())
        _, key = await KeyStore(db).create("secretariat", "faults", datetime.now(UTC))
    finally:
        await client.close()
    return {"Authorization": f"Bearer {key}"}


async def new_session(http: httpx.AsyncClient, auth: dict[str, str], capacity: int = 5000,
                      **changes: Any) -> str:
    starts = datetime.now(UTC) + timedelta(days=10)
    body: dict[str, Any] = {
        "title": {"es": "Compras sostenibles", "en": "Sustainable procurement"},
        "format": "webinar", "timezone": "America/Panama", "languages": ["es", "en"],
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "capacity": capacity, "join_url": "https://meet.example.org/faults"}
    body.update(changes)
    created = await http.post("/v1/sessions", json=body, headers=auth)
    assert created.status_code == 201, created.text
    session_id: str = created.json()["id"]
    published = await http.post(f"/v1/sessions/{session_id}/publish", headers=auth)
    assert published.status_code == 200, published.text
    return session_id


def person(email_: str, language: str = "es") -> dict[str, Any]:
    return {"name": "Participante", "email": email_, "country": "PA", "institution": "DGCP",
            "sector": "government", "job_title": "Analyst", "preferred_language": language,
            "consent": True}


async def register_many(stack: Stack, session_id: str, addresses: list[str],
                        concurrency: int = 32, retries: int = 0) -> dict[str, int]:
    """POST a registration for each address through the gateway; status code by address.

    `retries`: send again after a 503, as a client would (registering is idempotent: an
    address already registered gets 202, and its owner a mail with the registration).
    """
    answers: dict[str, int] = {}
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30, limits=limits) as http:

        async def one(address: str) -> None:
            for _ in range(retries + 1):
                async with gate:
                    reply = await http.post(f"/v1/sessions/{session_id}/registrations",
                                            json=person(address))
                answers[address] = reply.status_code
                if reply.status_code != 503:
                    return
                await asyncio.sleep(0.5)  # a client's pause before it tries again

        await asyncio.gather(*(one(address) for address in addresses))
    return answers


async def open_session(stack: Stack, **changes: Any) -> tuple[str, dict[str, str]]:
    """A published session (capacity 5000 unless changed) and a secretariat's headers."""
    auth = await secretariat_key(stack)
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as http:
        return await new_session(http, auth, **changes), auth


def mail_attempts(stack: Stack) -> list[int]:
    """How many sends each notify process logged, by process (dead ones included)."""
    counts = []
    for path in sorted((stack.root / "logs").glob("notify-*.log")):
        counts.append(path.read_text(errors="replace").count('"mail attempt"'))
    return counts


async def delivery_statuses(stack: Stack) -> Counter[str]:
    """notify's mail records by status: a `sending` one left behind would be sent again."""
    from shared.db import make_client

    client = make_client(stack.settings, app_name="faults-check")
    try:
        db = client[stack.settings.database_name("notify")]
        found = await db["deliveries"].find({}, {"status": 1}).to_list()
    finally:
        await client.close()
    return Counter(record["status"] for record in found)


async def publish_event(stack: Stack, event: Any, event_id: str, msg_id: str | None = None,
                        source: str = "faults/test") -> None:
    """Publish a contract event as its producer would (Nats-Msg-Id: `msg_id`, else its id)."""
    import nats

    ce = event.to_cloudevent(event_id=event_id, source=source, time=datetime.now(UTC))
    body, headers = ce.to_nats()
    headers["Nats-Msg-Id"] = msg_id or event_id
    connection = await nats.connect(stack.settings.nats_servers())
    try:
        subject = event.subject()
        await connection.jetstream().publish(subject, body, headers=headers,
                                             stream=subject.split(".")[0].upper())
    finally:
        await connection.close()


def dialogues(stack: Stack, *args: str) -> str:
    """A `dialogues` command against this stack's NATS; its standard output."""
    env = {**stack.env, "NATS_URL": stack.nats.url}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=30, check=True).stdout


PROJECT_STREAMS = ("REGISTRATION", "CATALOG", "TRANSLATE", "NOTIFY", "INGEST")


async def republish_everything(stack: Stack) -> int:
    """Every message of the project's streams published again, same body and event id, a new
    Nats-Msg-Id: what a producer retrying after its dedupe window, or a replay, would do."""
    import nats
    from nats.js.errors import NotFoundError

    connection = await nats.connect(stack.settings.nats_servers())
    js = connection.jetstream()
    count = 0
    try:
        for stream in PROJECT_STREAMS:
            try:
                state = (await js.stream_info(stream)).state
            except NotFoundError:
                continue
            for sequence in range(state.first_seq, state.last_seq + 1):
                try:
                    message = await js.get_msg(stream, sequence)
                except NotFoundError:
                    continue
                assert message.subject is not None
                headers = {**(message.headers or {}), "Nats-Msg-Id": f"again-{uuid.uuid4().hex}"}
                await js.publish(message.subject, message.data or b"", headers=headers,
                                 stream=stream)
                count += 1
    finally:
        await connection.close()
    return count


async def state_digest(stack: Stack) -> dict[str, str]:
    """A digest of every collection of every service database, but the consumers' own record
    of applied event ids: what an event applied twice would change."""
    import hashlib
    import json

    from shared.db import make_client

    digests: dict[str, str] = {}
    client = make_client(stack.settings, app_name="faults-check")
    try:
        for service in (*SERVICES, "gateway"):
            db = client[stack.settings.database_name(service)]
            for name in sorted(await db.list_collection_names()):
                if name == "applied_events":
                    continue
                documents = await db[name].find({}).to_list()
                documents.sort(key=lambda d: str(d["_id"]))
                text = json.dumps(documents, default=str, sort_keys=True)
                digests[f"{service}.{name}"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    finally:
        await client.close()
    return digests


async def registrations_of(up: Stack, session_id: str) -> tuple[dict[str, Any], list[Any]]:
    """The session (its seat ledger) and its registrations, as stored."""
    client = make_client(up.settings, app_name="faults-check")
    try:
        db = client[up.settings.database_name("registration")]
        session = await db["sessions"].find_one({"_id": session_id})
        found = await db["registrations"].find({"session_id": session_id}).to_list()
    finally:
        await client.close()
    assert session is not None
    return session, found
