"""A POST retried with the same Idempotency-Key gets the first answer, not a second thing."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest
from litestar import Litestar

from services.gateway.context import gateway_of
from services.gateway.idempotency import COLLECTION
from services.gateway.settings import GatewaySettings
from tests.integration.catalog_support import published_document
from tests.support import assert_problem
from tests.support.sessions import new_session, person, session_body

pytestmark = pytest.mark.integration
KeyMaker = Callable[[str], Awaitable[str]]


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    """Room for many public requests from the one test client."""
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


async def test_a_retried_creation_creates_once(
    gateway_http: httpx.AsyncClient, make_key: Callable[[str], Awaitable[str]]
) -> None:
    key = await make_key("secretariat")
    auth = {"Authorization": f"Bearer {key}"}
    body = session_body()
    first = await gateway_http.post("/v1/sessions", json=body,
                                    headers={**auth, "Idempotency-Key": "create-42"})
    again = await gateway_http.post("/v1/sessions", json=body,
                                    headers={**auth, "Idempotency-Key": "create-42"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers

    other = dict(body, capacity=99)
    reused = await gateway_http.post("/v1/sessions", json=other,
                                     headers={**auth, "Idempotency-Key": "create-42"})
    assert_problem(reused, 422)

    without = [await gateway_http.post("/v1/sessions", json=body, headers=auth)
               for _ in range(2)]
    assert len({answer.json()["id"] for answer in without}) == 2


async def test_another_caller_cannot_replay_someone_elses_answer(
    gateway_http: httpx.AsyncClient, make_key: Callable[[str], Awaitable[str]]
) -> None:
    body = session_body()
    mine = {"Authorization": f"Bearer {await make_key('secretariat')}",
            "Idempotency-Key": "shared-key"}
    theirs = {"Authorization": f"Bearer {await make_key('secretariat')}",
              "Idempotency-Key": "shared-key"}
    first = await gateway_http.post("/v1/sessions", json=body, headers=mine)
    second = await gateway_http.post("/v1/sessions", json=body, headers=theirs)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert "idempotent-replayed" not in second.headers


async def test_a_refused_request_is_not_pinned(
    gateway_http: httpx.AsyncClient, make_key: Callable[[str], Awaitable[str]]
) -> None:
    headers = {"Authorization": f"Bearer {await make_key('secretariat')}",
               "Idempotency-Key": "fix-and-retry"}
    refused = await gateway_http.post("/v1/sessions", json={"title": {}}, headers=headers)
    assert refused.status_code in (400, 422)
    fixed = await gateway_http.post("/v1/sessions", json=session_body(), headers=headers)
    assert fixed.status_code == 201
    too_long = await gateway_http.post("/v1/sessions", json=session_body(),
                                       headers={**headers, "Idempotency-Key": "x" * 201})
    assert_problem(too_long, 400)


async def test_a_keyed_post_still_obeys_the_body_limit(
    gateway_http: httpx.AsyncClient, make_key: Callable[[str], Awaitable[str]]
) -> None:
    headers = {"Authorization": f"Bearer {await make_key('secretariat')}",
               "Idempotency-Key": "big", "content-type": "application/json"}
    huge = b'{"title": "' + b"x" * 2_000_000 + b'"}'
    assert_problem(await gateway_http.post("/v1/sessions", content=huge, headers=headers), 413)


async def test_a_new_api_key_is_never_stored_nor_replayed(
    gateway_app: Litestar, gateway_http: httpx.AsyncClient, make_key: KeyMaker
) -> None:
    admin = {"Authorization": f"Bearer {await make_key('admin')}", "Idempotency-Key": "k-1"}
    body = {"role": "editor", "name": "Ed"}
    created = await gateway_http.post("/v1/keys", json=body, headers=admin)
    assert created.status_code == 201, created.text
    secret = created.json()["key"]
    again = await gateway_http.post("/v1/keys", json=body, headers=admin)
    assert_problem(again, 409)
    assert secret not in again.text and secret.split("_", 2)[2] not in again.text
    listed = (await gateway_http.get("/v1/keys", headers=admin)).json()["items"]
    assert [item["name"] for item in listed].count("Ed") == 1  # the retry made no second key
    records = await gateway_of(gateway_app).db[COLLECTION].find({}).to_list()
    stored = json.dumps(records, default=str) + "".join(
        base64.b64decode(record.get("body", "")).decode() for record in records)
    assert records and secret.split("_", 2)[2] not in stored


async def test_a_keyed_upload_gets_the_routes_own_body_limit(
    gateway_http: httpx.AsyncClient, make_key: KeyMaker
) -> None:
    editor = {"Authorization": f"Bearer {await make_key('editor')}"}
    doc_id = await published_document(gateway_http, editor)
    text = ("Compras públicas sostenibles. " * 80_000).encode()  # 2.4 MB
    assert len(text) > 2_400_000

    async def upload() -> httpx.Response:
        # A retry sends the same bytes: the same multipart boundary too.
        multipart = {"Content-Type": "multipart/form-data; boundary=retry-me"}
        return await gateway_http.post(
            f"/v1/documents/{doc_id}/files", files={"file": ("notes.txt", text, "text/plain")},
            headers={**editor, **multipart, "Idempotency-Key": "up-1"})

    first = await upload()
    assert first.status_code == 201, first.text
    again = await upload()
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["file_id"] == first.json()["file_id"]


async def test_a_pending_request_of_a_dead_gateway_is_taken_over_after_its_lease(
    gateway_app: Litestar, gateway_http: httpx.AsyncClient, make_key: KeyMaker
) -> None:
    """A gateway killed mid-request leaves its record pending; we write such a record."""
    headers = {"Authorization": f"Bearer {await make_key('secretariat')}",
               "Idempotency-Key": "lost", "Content-Type": "application/json"}
    body = json.dumps(session_body()).encode()
    assert (await gateway_http.post("/v1/sessions", content=body, headers=headers)
            ).status_code == 201
    records = gateway_of(gateway_app).db[COLLECTION]
    now_ms = int(time.time() * 1000)

    async def left_pending(lease_ms: int) -> None:
        await records.update_one({"fingerprint": hashlib.sha256(body).hexdigest()},
                                 {"$set": {"state": "pending", "lease_ms": lease_ms,
                                           "attempt": "the dead gateway's"}})

    await left_pending(now_ms + 60_000)  # its lease still runs: it may yet answer
    busy = await gateway_http.post("/v1/sessions", content=body, headers=headers)
    assert_problem(busy, 409)
    assert busy.headers["retry-after"] == "1"

    await left_pending(now_ms - 1)  # its lease ran out: the retry takes over
    taken = await gateway_http.post("/v1/sessions", content=body, headers=headers)
    assert taken.status_code == 201, taken.text
    assert "idempotent-replayed" not in taken.headers
    replayed = await gateway_http.post("/v1/sessions", content=body, headers=headers)
    assert replayed.json()["id"] == taken.json()["id"]
    assert replayed.headers["idempotent-replayed"] == "true"


async def test_two_people_behind_one_address_may_pick_the_same_key(
    gateway_http: httpx.AsyncClient, make_key: KeyMaker
) -> None:
    session_id = await new_session(gateway_http, await make_key("secretariat"), capacity=5)
    path = f"/v1/sessions/{session_id}/registrations"
    same_key = {"Idempotency-Key": "registration-1"}  # a form with a fixed key, say
    ana = await gateway_http.post(path, json=person("ana@example.org"), headers=same_key)
    bea = await gateway_http.post(path, json=person("bea@example.org", name="Bea"),
                                  headers=same_key)
    assert ana.status_code == bea.status_code == 201, (ana.text, bea.text)
    ana_again = await gateway_http.post(path, json=person("ana@example.org"), headers=same_key)
    assert ana_again.headers["idempotent-replayed"] == "true"
    assert ana_again.json() == ana.json()
    session = (await gateway_http.get(f"/v1/sessions/{session_id}")).json()
    assert session["confirmed"] == 2
