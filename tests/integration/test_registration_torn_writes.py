"""A crash inside the one write that changes a state and queues its event.

On MongoDB a single-document update is atomic. The embedded stand-in runs an update's
`$addToSet` (the outbox) as its own statement before the rest, so a `kill -9` can leave the
event queued without the change. The command, redone (the secretariat's retry, the sweeper),
must then queue the *same* event, which JetStream, the consumers' inbox and notify's delivery
ids drop, not a second one that would mail everyone again. These tests leave that torn state
with a Store that "crashes" once, against the real MongoDB wire server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from services.registration.handlers import Deps
from services.registration.handlers.recovery import finish_stuck
from services.registration.handlers.registrations import new_registration
from services.registration.handlers.sessions import cancel_session, create_session, publish
from services.registration.store import Store
from shared.contracts.registration.rpc import RegistrationForm, SessionFields
from shared.db import Document, make_client
from shared.outbox import push_to_outbox
from shared.settings import Settings
from shared.tokens import Signer

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)


class TornOnce(Store):
    """A Store whose next write with events leaves only the events, then fails."""

    tear = False

    async def _torn(self, collection: Any, document_id: str, events: Sequence[Document]
                    ) -> None:
        self.tear = False
        await collection.update_one({"_id": document_id}, push_to_outbox({}, events))
        raise AutoReconnect("connection closed mid-write")

    async def change_status(self, session_id: str, from_status: str, changes: dict[str, Any],
                            events: Sequence[Document]) -> bool:
        if self.tear and events:
            await self._torn(self.sessions, session_id, events)
        return await super().change_status(session_id, from_status, changes, events)

    async def advance(self, registration_id: str, from_status: Sequence[str],
                      changes: dict[str, Any], events: Sequence[Document]) -> bool:
        if self.tear and events:
            await self._torn(self.registrations, registration_id, events)
        return await super().advance(registration_id, from_status, changes, events)


@pytest.fixture
async def deps(settings: Settings) -> AsyncIterator[Deps]:
    client = make_client(settings, app_name="test-torn")
    yield Deps(TornOnce(client[settings.database_name("registration")]),
               Signer(settings.token_secret), lambda *_: None)
    await client.close()


def fields() -> SessionFields:
    starts = NOW + timedelta(days=7)
    return SessionFields(title={"es": "Compras públicas"}, format="webinar", starts_at=starts,
                         ends_at=starts + timedelta(hours=1), timezone="America/Lima",
                         languages=["es"], capacity=10)


def event_ids(document: Document | None, type_suffix: str) -> set[str]:
    assert document is not None
    return {entry["id"] for entry in document["outbox"]
            if entry["headers"]["ce-type"].endswith(type_suffix)}


async def test_a_publish_or_cancel_redone_after_a_torn_write_queues_the_same_event(
        deps: Deps) -> None:
    store = deps.store
    assert isinstance(store, TornOnce)
    session = await create_session(deps, fields(), NOW)
    store.tear = True
    with pytest.raises(AutoReconnect):
        await publish(deps, session["_id"], NOW)
    torn = await store.session(session["_id"], with_outbox=True)
    assert torn is not None and torn["status"] == "draft"  # the event went in, the change not
    assert len(event_ids(torn, "session.published.v1")) == 1

    redone = await publish(deps, session["_id"], NOW + timedelta(seconds=5))
    assert redone["status"] == "published"
    after = await store.session(session["_id"], with_outbox=True)
    assert len(event_ids(after, "session.published.v1")) == 1  # one event, maybe twice queued

    store.tear = True
    with pytest.raises(AutoReconnect):
        await cancel_session(deps, session["_id"], "Sin ponentes", NOW)
    await cancel_session(deps, session["_id"], "Sin ponentes", NOW + timedelta(seconds=5))
    after = await store.session(session["_id"], with_outbox=True)
    assert after is not None and after["status"] == "cancelled"
    assert len(event_ids(after, "session.cancelled.v1")) == 1


async def test_the_sweeper_finishing_a_torn_registration_queues_the_same_confirmation(
        deps: Deps) -> None:
    store = deps.store
    assert isinstance(store, TornOnce)
    session = await create_session(deps, fields(), NOW)
    await publish(deps, session["_id"], NOW)
    form = RegistrationForm(name="Ana Gómez", email="ana@example.org", country="PE",
                            institution="OSCE", sector="government", job_title="Analista",
                            preferred_language="es", consent=True)
    registration = new_registration(session["_id"], form, NOW - timedelta(minutes=5))
    assert await store.insert_registration(registration) is None
    store.tear = True
    with pytest.raises(AutoReconnect):
        await finish_stuck(deps, NOW, timedelta(minutes=1))
    torn = await store.registration(registration["_id"])
    assert torn is not None and torn["status"] == "received"
    assert len(event_ids(torn, "participant.confirmed.v1")) == 1

    assert await finish_stuck(deps, NOW + timedelta(seconds=5), timedelta(minutes=1)) == 1
    done = await store.registration(registration["_id"])
    assert done is not None and done["status"] == "confirmed"
    assert len(event_ids(done, "participant.confirmed.v1")) == 1
    ledger = await store.session(session["_id"])
    assert ledger is not None and (ledger["confirmed"], ledger["seats"]) == (
        1, [registration["_id"]])
