"""deploy/nats.conf for real: each user may use its own subjects, inbox, consumers and streams,
and nothing else. Every refusal is checked twice: the server reports the violation, and the
thing refused did not happen (no message read, no consumer made, no stream changed)."""

from __future__ import annotations

import json

import nats.errors
import pytest
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig, StreamConfig

from services.registration.bootstrap import SPEC as REGISTRATION
from shared.servers import LocalServer
from shared.service import start_service
from tests.integration.bus_support import (
    connect_as,
    settings_of,
)

pytestmark = pytest.mark.integration
REFUSED = (nats.errors.Error, TimeoutError)


async def test_a_service_publishes_its_own_subjects_only(secured_nats: LocalServer) -> None:
    connection, seen = await connect_as(secured_nats, "registration")
    await connection.publish("registration.session.published.v1", b"{}")
    assert await seen.violations(connection) == []
    await connection.publish("catalog.document.published.v1", b"{}")
    assert await seen.refused(connection, "catalog.document.published.v1")
    await connection.close()


async def test_nobody_reads_another_users_replies(secured_nats: LocalServer) -> None:
    """The integration user listens on every inbox it can name while the gateway asks the
    registration service for a list of participants: it gets refusals, and no reply."""
    spy, spy_seen = await connect_as(secured_nats, "integration")
    overheard: list[bytes] = []

    async def keep(message: Msg) -> None:
        overheard.append(message.data)

    for subject in ("_INBOX.>", "_INBOX_gateway.>", "_INBOX_registration.>", "rpc.>"):
        await spy.subscribe(subject, cb=keep)
    service, _ = await connect_as(secured_nats, "registration")

    async def answer(message: Msg) -> None:
        await message.respond(json.dumps({"email": "ana.perez@example.org"}).encode())

    await service.subscribe("rpc.registration.list_registrations", queue="registration",
                            cb=answer)
    gateway, gateway_seen = await connect_as(secured_nats, "gateway")
    reply = await gateway.request("rpc.registration.list_registrations", b"{}", timeout=2)
    assert b"ana.perez" in reply.data  # answered through allow_responses
    for subject in ("_INBOX.>", "_INBOX_gateway.>", "_INBOX_registration.>", "rpc.>"):
        assert await spy_seen.refused(spy, f'subscription to "{subject}"'), subject
    assert overheard == []
    assert await gateway_seen.violations(gateway) == []
    for connection in (spy, service, gateway):
        await connection.close()


async def test_a_service_cannot_write_into_an_inbox_unasked(secured_nats: LocalServer) -> None:
    service, seen = await connect_as(secured_nats, "registration")
    await service.publish("_INBOX_gateway.forged", b"{}")
    await service.publish("_INBOX.forged", b"{}")
    assert await seen.refused(service, "_inbox_gateway.forged")
    assert await seen.refused(service, "_inbox.forged")
    await service.close()


async def test_a_service_reads_only_its_own_consumers(secured_nats: LocalServer) -> None:
    """Notify may read the registration stream through its consumer; the catalog may neither
    make a consumer there nor pull from notify's; translate may not widen its own filter."""
    owner, _ = await connect_as(secured_nats, "registration")
    await owner.jetstream().add_stream(name="REGISTRATION", subjects=["registration.>"])
    await owner.jetstream().publish("registration.participant.confirmed.v1",
                                    b'{"email": "ana.perez@example.org"}')
    notify, _ = await connect_as(secured_nats, "notify")
    await notify.jetstream().add_consumer("REGISTRATION", ConsumerConfig(
        durable_name="notify-registration", name="notify-registration",
        filter_subject="registration.>"))

    catalog, catalog_seen = await connect_as(secured_nats, "catalog")
    js = catalog.jetstream(timeout=1)
    with pytest.raises(REFUSED):
        await js.add_consumer("REGISTRATION", ConsumerConfig(
            durable_name="catalog-spy", name="catalog-spy", filter_subject="registration.>"))
    assert await catalog_seen.refused(catalog, "$js.api.consumer.create.registration")
    stolen = await js.pull_subscribe_bind("notify-registration", stream="REGISTRATION")
    with pytest.raises(REFUSED):
        await stolen.fetch(1, timeout=1)
    assert await catalog_seen.refused(
        catalog, "$js.api.consumer.msg.next.registration.notify-registration")

    translate, translate_seen = await connect_as(secured_nats, "translate")
    with pytest.raises(REFUSED):  # its consumer there is for session events only
        await translate.jetstream(timeout=1).add_consumer("REGISTRATION", ConsumerConfig(
            durable_name="translate-sessions", name="translate-sessions",
            filter_subject="registration.>"))
    assert await translate_seen.refused(translate, "$js.api.consumer.create.registration")

    info = await notify.jetstream().consumer_info("REGISTRATION", "notify-registration")
    assert (info.num_pending, info.num_ack_pending) == (1, 0)  # nobody took notify's message
    assert (await owner.jetstream().stream_info("REGISTRATION")).state.consumer_count == 1
    for connection in (owner, notify, catalog, translate):
        await connection.close()


async def test_a_service_answers_the_services_api_for_itself_only(secured_nats: LocalServer
                                                                  ) -> None:
    """`$SRV.<verb>`, to all, and `$SRV.<verb>.<its name>[.<id>]`; never another's name."""
    connection, seen = await connect_as(secured_nats, "registration")
    for subject in ("$SRV.PING", "$SRV.INFO", "$SRV.STATS", "$SRV.INFO.registration",
                    "$SRV.STATS.registration.some-id"):
        await connection.subscribe(subject)
    assert await seen.violations(connection) == []
    await connection.subscribe("$SRV.INFO.catalog")
    assert await seen.refused(connection, 'subscription to "$srv.info.catalog"')
    await connection.close()


async def test_only_the_owner_creates_or_changes_a_stream(secured_nats: LocalServer) -> None:
    owner, owner_seen = await connect_as(secured_nats, "registration")
    await owner.jetstream().add_stream(name="REGISTRATION", subjects=["registration.>"])
    for user in ("notify", "translate", "catalog"):
        other, seen = await connect_as(secured_nats, user)
        js = other.jetstream(timeout=1)
        with pytest.raises(REFUSED):
            await js.update_stream(StreamConfig(name="REGISTRATION",
                                                subjects=["registration.>"], max_msgs=1))
        assert await seen.refused(other, "$js.api.stream.update.registration"), user
        with pytest.raises(REFUSED):  # nor make the owner's stream before the owner does
            await js.add_stream(name="NOTIFY" if user != "notify" else "CATALOG",
                                subjects=["notify.>" if user != "notify" else "catalog.>"])
        assert await seen.refused(other, "$js.api.stream.create."), user
        await other.close()
    config = (await owner.jetstream().stream_info("REGISTRATION")).config
    assert config.max_msgs == -1
    assert await owner_seen.violations(owner) == []
    await owner.close()


async def test_a_service_cannot_delete_streams(mongo_url: str, secured_nats: LocalServer
                                               ) -> None:
    settings = settings_of(secured_nats, "registration", mongo_url, "perm")
    owner, _ = await connect_as(secured_nats, "translate")  # registration reads TRANSLATE:
    await owner.jetstream().add_stream(name="TRANSLATE", subjects=["translate.>"])  # it waits
    await owner.close()
    service = await start_service(REGISTRATION, settings)  # declares its streams as itself
    try:
        connection, seen = await connect_as(secured_nats, "registration")
        with pytest.raises(REFUSED):
            await connection.jetstream(timeout=1).delete_stream("REGISTRATION")
        assert await seen.refused(connection, "$js.api.stream.delete.registration")
        assert (await connection.jetstream().stream_info("REGISTRATION")).config.name
        await connection.close()
    finally:
        await service.stop()


async def test_an_integration_may_only_ingest(secured_nats: LocalServer) -> None:
    connection, seen = await connect_as(secured_nats, "integration")
    await connection.publish("ingest.registration.attendance.v1", b"{}")
    await connection.publish("ingest.catalog.integration.recording.v1", b"{}")
    assert await seen.violations(connection) == []
    for subject in ("registration.participant.confirmed.v1", "ingest.rejected.v1",
                    "_INBOX.forged", "rpc.registration.ping",
                    # recordings under its own source only, and no documents
                    "ingest.catalog.chilecompra.recording.v1",
                    "ingest.catalog.integration.document.v1"):
        await connection.publish(subject, b"{}")
        assert await seen.refused(connection, subject), subject
    await connection.close()


async def test_the_operator_may_only_work_the_dead_letters(secured_nats: LocalServer) -> None:
    """`dialogues dlq` reads and replays; it may not call services (it may ask their
    Services API, `$SRV.>`, for counts), read their replies or consumers' messages, nor
    change a stream."""
    connection, seen = await connect_as(secured_nats, "operator")
    for subject in ("rpc.registration.list_registrations", "_INBOX_gateway.forged",
                    "$JS.API.CONSUMER.CREATE.REGISTRATION.spy.registration.>",
                    "$JS.API.CONSUMER.MSG.NEXT.REGISTRATION.notify-registration",
                    "$JS.API.STREAM.UPDATE.REGISTRATION", "$JS.API.STREAM.PURGE.DLQ",
                    "dlq.notify-registration.registration.session.published.v1"):
        await connection.publish(subject, b"{}")
        assert await seen.refused(connection, subject), subject
    await connection.subscribe("_INBOX_gateway.>")
    assert await seen.refused(connection, "_inbox_gateway.>")
    await connection.close()
