"""A POST retried with the same Idempotency-Key gets the first answer, not a second thing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.integration.test_registration_gateway import session_body
from tests.support import assert_problem

pytestmark = pytest.mark.integration


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
