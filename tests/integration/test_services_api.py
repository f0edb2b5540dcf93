"""The NATS Services API, as `nats micro list/info/stats` asks it: every running service
answers `$SRV.PING`, `$SRV.INFO.<name>` lists its RPC subjects (those docs/asyncapi.json
documents), and `$SRV.STATS.<name>` counts the requests it answered and the errors.

One stack for the module: the five services and a second registration replica, on a NATS
server of the module's own."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
import pytest_asyncio
from nats.aio.client import Client
from nats.aio.msg import Msg

from services.catalog.bootstrap import SPEC as CATALOG
from services.notify.bootstrap import build_spec as notify_spec
from services.numbers.bootstrap import SPEC as NUMBERS
from services.registration.bootstrap import SPEC as REGISTRATION
from services.translate.bootstrap import SPEC as TRANSLATE
from shared.servers import start_nats
from shared.service import RunningService, start_service
from shared.settings import SERVICES, Settings
from shared.telemetry import package_version
from tests.support.polling import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]
ROOT = Path(__file__).resolve().parents[2]
Answers = list[dict[str, Any]]


def documented_rpc_subjects(service: str) -> set[str]:
    """The `rpc.<service>.*` subjects of docs/asyncapi.json (a unit test keeps it current)."""
    channels = json.loads((ROOT / "docs" / "asyncapi.json").read_text())["channels"]
    return {c["address"] for c in channels.values()
            if c["address"].startswith(f"rpc.{service}.")}


@pytest.fixture(scope="module")
def stack_settings(mongo_url: str, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[Settings]:
    folder = tmp_path_factory.mktemp("services-api")
    server = start_nats(folder / "nats")
    yield Settings(nats_url=server.url, mongo_url=mongo_url, data_dir=folder / "data",
                   db_prefix=f"t{uuid.uuid4().hex[:12]}")
    server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(stack_settings: Settings) -> AsyncIterator[list[RunningService]]:
    """The five services, then a second registration replica."""
    running: list[RunningService] = []
    try:
        for spec in (REGISTRATION, CATALOG, notify_spec(), TRANSLATE, NUMBERS, REGISTRATION):
            running.append(await start_service(spec, stack_settings))
        yield running
    finally:
        for service in running:
            await service.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def operator(stack_settings: Settings, stack: list[RunningService]
                   ) -> AsyncIterator[Client]:
    """A plain nats-py client, as the `nats` CLI is one."""
    connection = await nats.connect(stack_settings.effective_nats_url(),
                                    max_reconnect_attempts=1)
    yield connection
    await connection.close()


async def gathered(connection: Client, subject: str, enough: Callable[[Answers], bool]
                   ) -> Answers:
    """Every answer to one request on `subject` (as `nats micro list` gathers several
    replicas' answers), once `enough` of them have come."""
    answers: Answers = []

    async def keep(message: Msg) -> None:
        answers.append(json.loads(message.data))

    inbox = connection.new_inbox()
    subscription = await connection.subscribe(inbox, cb=keep)
    await connection.publish(subject, b"", reply=inbox)
    await eventually(lambda: enough(answers), 5, f"answers on {subject}")
    await subscription.unsubscribe()
    return answers


async def asked(connection: Client, subject: str, payload: bytes = b"") -> dict[str, Any]:
    reply = await connection.request(subject, payload, timeout=2)
    answer: dict[str, Any] = json.loads(reply.data)
    return answer


def ids_by_name(answers: Answers) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for answer in answers:
        found.setdefault(answer["name"], set()).add(answer["id"])
    return found


async def test_every_replica_answers_ping_with_its_own_id(operator: Client) -> None:
    answers = await gathered(operator, "$SRV.PING", lambda got: len(got) >= 6)
    found = ids_by_name(answers)
    assert set(found) == set(SERVICES)
    assert len(found["registration"]) == 2  # two replicas, two ids
    assert all(len(found[name]) == 1 for name in SERVICES if name != "registration")
    for answer in answers:
        assert answer["type"] == "io.nats.micro.v1.ping_response"
        assert answer["version"] == package_version()
        assert answer["metadata"]["role"] == answer["name"]
    replicas = await gathered(operator, "$SRV.PING.registration", lambda got: len(got) >= 2)
    assert ids_by_name(replicas) == {"registration": found["registration"]}


@pytest.mark.parametrize("service", SERVICES)
async def test_info_lists_the_services_rpc_subjects(operator: Client, service: str) -> None:
    answers = await gathered(operator, f"$SRV.INFO.{service}",
                             lambda got: len(got) >= (2 if service == "registration" else 1))
    for info in answers:
        assert info["type"] == "io.nats.micro.v1.info_response"
        subjects = [endpoint["subject"] for endpoint in info["endpoints"]]
        assert set(subjects) == documented_rpc_subjects(service)
        assert len(subjects) == len(set(subjects))
        assert {e["queue_group"] for e in info["endpoints"]} == {service}
        assert {e["name"] for e in info["endpoints"]} == {s.split(".")[-1] for s in subjects}


def endpoint_stats(stats: dict[str, Any], subject: str) -> dict[str, Any]:
    return next(e for e in stats["endpoints"] if e["subject"] == subject)


async def test_stats_count_requests_errors_and_time(operator: Client) -> None:
    """Three pings and one invalid request to numbers: four requests, one error, by code."""
    (ping,) = await gathered(operator, "$SRV.PING.numbers", lambda got: len(got) >= 1)
    own_stats = f"$SRV.STATS.numbers.{ping['id']}"
    before = endpoint_stats(await asked(operator, own_stats), "rpc.numbers.ping")
    for _ in range(3):
        assert json.loads((await operator.request("rpc.numbers.ping", b"{}", 2)).data)["ok"]
    refused = json.loads((await operator.request("rpc.numbers.ping", b'{"x": 1}', 2)).data)
    assert refused["error"]["code"] == "invalid"

    stats = await asked(operator, own_stats)
    assert stats["type"] == "io.nats.micro.v1.stats_response"
    assert stats["id"] == ping["id"]
    after = endpoint_stats(stats, "rpc.numbers.ping")
    assert after["num_requests"] == before["num_requests"] + 4
    assert after["num_errors"] == before["num_errors"] + 1
    assert after["last_error"] == "invalid"
    assert after["data"]["errors_by_code"]["invalid"] == before["num_errors"] + 1
    assert after["processing_time"] > before["processing_time"]
    assert 0 < after["average_processing_time"] <= after["processing_time"]
    untouched = endpoint_stats(stats, "rpc.numbers.get")
    assert (untouched["num_requests"], untouched["num_errors"]) == (0, 0)


async def test_each_registration_replica_counts_only_what_it_answered(operator: Client
                                                                      ) -> None:
    """The queue group gives each request to one replica: the replicas' counts add up to the
    requests sent, never more (no request is handled twice)."""

    async def pings_answered() -> int:
        answers = await gathered(operator, "$SRV.STATS.registration",
                                 lambda got: len(got) >= 2)
        return sum(endpoint_stats(s, "rpc.registration.ping")["num_requests"] for s in answers)

    before = await pings_answered()
    for _ in range(6):
        await operator.request("rpc.registration.ping", b"{}", timeout=2)
    assert await pings_answered() == before + 6
