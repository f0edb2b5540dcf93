"""The gateway against real services, a real NATS server and a real MongoDB wire server.

The app runs in the test's own event loop under `app.lifespan()`, driven through
`httpx.ASGITransport` (Litestar's test client would run it in another thread, where the
FastStream broker freezes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from litestar import Litestar, get
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from cli.keys import run_keys
from services.gateway.app import create_app
from services.gateway.routes.health import READY_FOR
from services.gateway.settings import GatewaySettings
from shared.contracts.rpc import RpcFailure
from shared.service import RunningService
from shared.settings import SERVICES, Settings
from tests.integration.gateway_support import (
    listening_url,
    retry_until_answered,
    wait_clear_of_window_end,
)
from tests.support import PROBLEM_JSON, assert_problem, new_key, serving

pytestmark = pytest.mark.integration

SECRET_TEXT = "s3cr3t-internal-detail"


@get("/test/page-boom", sync_to_thread=False)
def page_boom() -> None:
    raise RuntimeError(SECRET_TEXT)


@get("/v1/test/boom", sync_to_thread=False)
def boom() -> None:
    """A route with a bug."""
    raise RuntimeError(SECRET_TEXT)


@get("/v1/test/conflict", sync_to_thread=False)
def conflict() -> None:
    """A route whose service refused."""
    raise RpcFailure("conflict", "The session is full.", {"session_id": "s1"})


@get("/v1/test/internal", sync_to_thread=False)
def internal() -> None:
    """A route whose service failed inside."""
    raise RpcFailure("internal", SECRET_TEXT)


@pytest.fixture
def app(settings: Settings, gateway_settings: GatewaySettings) -> Litestar:
    return create_app(settings, gateway_settings,
                      extra_route_handlers=[boom, conflict, internal, page_boom])


@pytest.fixture
async def http(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(app) as client:
        yield client


# Health

async def test_ready_lists_every_service_then_names_the_one_that_stopped(
    http: httpx.AsyncClient, running_services: dict[str, RunningService]
) -> None:
    response = await http.get("/health/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["services"]) == set(SERVICES)
    assert set(body["services"].values()) == {"ready"}

    await running_services.pop("notify").stop()
    await asyncio.sleep(READY_FOR)  # the last round's answer serves probes for this long
    started = time.monotonic()
    problem = assert_problem(await http.get("/health/ready"), 503)
    assert time.monotonic() - started < 2.0
    assert problem["unavailable"] == ["notify"]
    assert "notify" in str(problem["detail"])


async def test_live_needs_nothing_and_is_never_rate_limited(
    settings: Settings, gateway_settings: GatewaySettings
) -> None:
    app = create_app(settings, gateway_settings.model_copy(update={"public_rate_limit": 1}))
    async with serving(app) as http:
        for _ in range(5):
            response = await http.get("/health/live")
            assert response.status_code == 200
            assert response.json() == {"status": "live"}


# Keys and roles

@pytest.mark.parametrize("path", ["/v1/me", "/v1/keys"])
async def test_keyed_routes_refuse_requests_without_a_valid_key(
    http: httpx.AsyncClient, path: str
) -> None:
    missing = await http.get(path)
    assert_problem(missing, 401)
    assert missing.headers["www-authenticate"].startswith("Bearer")
    well_formed_but_unknown = "Bearer dlg_0123456789abcdef0123_nope"
    unknown = await http.get(path, headers={"Authorization": well_formed_but_unknown})
    assert_problem(unknown, 401)
    assert unknown.headers["www-authenticate"].startswith("Bearer")
    assert_problem(await http.get(path, headers={"X-API-Key": "not-a-key"}), 401)


async def test_a_key_of_another_role_is_forbidden(app: Litestar, http: httpx.AsyncClient) -> None:
    secretariat = {"X-API-Key": await new_key(app, "secretariat", "Secretariat desk")}
    assert_problem(await http.get("/v1/keys", headers=secretariat), 403)
    assert_problem(await http.post("/v1/keys", headers=secretariat,
                                   json={"role": "admin", "name": "escalation"}), 403)
    me = await http.get("/v1/me", headers=secretariat)
    assert me.status_code == 200
    assert me.json()["role"] == "secretariat"
    assert me.json()["name"] == "Secretariat desk"


async def test_admin_creates_lists_and_revokes_keys(app: Litestar, http: httpx.AsyncClient) -> None:
    admin = {"Authorization": f"Bearer {await new_key(app, 'admin', 'root')}"}
    created = await http.post("/v1/keys", headers=admin, json={"role": "editor", "name": "Ed"})
    assert created.status_code == 201, created.text
    editor_id, editor_key = created.json()["id"], created.json()["key"]
    assert editor_key.startswith(f"dlg_{editor_id}_")

    me = await http.get("/v1/me", headers={"X-API-Key": editor_key})
    assert me.json() == {"id": editor_id, "role": "editor", "name": "Ed"}

    seen, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = await http.get("/v1/keys", headers=admin, params=params)
        assert page.status_code == 200, page.text
        seen += page.json()["items"]
        if (cursor := page.json()["next_cursor"]) is None:
            break
    assert sorted(item["name"] for item in seen) == ["Ed", "root"]  # each once, none lost
    assert editor_key not in json.dumps(seen)
    assert all(set(item) == {"id", "role", "name", "created_at", "revoked_at"} for item in seen)

    assert (await http.delete(f"/v1/keys/{editor_id}", headers=admin)).status_code == 204
    assert_problem(await http.get("/v1/me", headers={"X-API-Key": editor_key}), 401)
    listed = (await http.get("/v1/keys", headers=admin)).json()["items"]
    revoked_at = next(item["revoked_at"] for item in listed if item["id"] == editor_id)
    assert datetime.fromisoformat(revoked_at).utcoffset() == timedelta(0)  # RFC 3339: a zone
    assert_problem(await http.delete("/v1/keys/not-a-key-id", headers=admin), 400)
    assert_problem(await http.delete("/v1/keys/00000000000000000000", headers=admin), 404)
    assert_problem(await http.get("/v1/keys?cursor=not-ours", headers=admin), 400)


async def test_key_lists_walk_every_key_once_in_creation_order(
    app: Litestar, http: httpx.AsyncClient
) -> None:
    admin = {"X-API-Key": await new_key(app, "admin", "root")}
    for number in range(6):
        await new_key(app, "integration", f"portal {number}")
    ids, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await http.get("/v1/keys", headers=admin, params=params)).json()
        ids += [item["id"] for item in page["items"]]
        pages += 1
        if (cursor := page["next_cursor"]) is None:
            break
    assert pages == 3
    assert len(ids) == len(set(ids)) == 7
    assert ids == sorted(ids)


# Errors as problem details

async def test_unknown_route_and_method_are_problems(http: httpx.AsyncClient) -> None:
    assert_problem(await http.get("/v1/no/such/route"), 404)
    # Outside the API a browser gets a page; a program that asks for JSON still a problem.
    assert_problem(await http.get("/no/such/route", headers={"Accept": "application/json"}),
                   404)
    not_allowed = await http.delete("/health/live")
    assert_problem(not_allowed, 405)
    assert "GET" in not_allowed.headers["allow"]


async def test_bodies_over_the_limit_are_refused(
    settings: Settings, gateway_settings: GatewaySettings
) -> None:
    app = create_app(settings, gateway_settings.model_copy(
        update={"request_max_body_size": 1024}))
    async with serving(app) as http:
        admin = {"X-API-Key": await new_key(app, "admin")}
        big = {"role": "editor", "name": "x" * 2000}
        assert_problem(await http.post("/v1/keys", headers=admin, json=big), 413)

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
            yield json.dumps(big).encode()

        assert_problem(await http.post("/v1/keys", headers=admin, content=chunks()), 413)


async def test_a_malformed_body_is_400_and_an_invalid_one_422(app: Litestar,
                                                              http: httpx.AsyncClient) -> None:
    admin = {"X-API-Key": await new_key(app, "admin"), "Content-Type": "application/json"}
    malformed = assert_problem(await http.post("/v1/keys", headers=admin, content=b'{"role":'), 400)
    assert malformed["errors"]
    invalid = assert_problem(
        await http.post("/v1/keys", headers=admin, json={"role": "emperor", "name": ""}), 422
    )
    assert {error["field"] for error in invalid["errors"]} == {"role", "name"}  # type: ignore[attr-defined]
    assert_problem(await http.get("/v1/keys?limit=0", headers=admin), 400)


async def test_an_unexpected_error_is_a_500_that_tells_nothing(http: httpx.AsyncClient) -> None:
    for path in ("/v1/test/boom", "/v1/test/internal"):
        response = await http.get(path)
        assert_problem(response, 500)
        assert SECRET_TEXT not in response.text
        assert "Traceback" not in response.text
    # The same failure outside the API, as a browser meets it: a page that tells nothing.
    page = await http.get("/test/page-boom", headers={"Accept": "text/html"})
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert SECRET_TEXT not in page.text and "Traceback" not in page.text


async def test_service_refusals_keep_their_meaning(http: httpx.AsyncClient) -> None:
    problem = assert_problem(await http.get("/v1/test/conflict"), 409)
    assert problem["detail"] == "The session is full."
    assert problem["session_id"] == "s1"
    assert str(problem["type"]).endswith(":conflict")

# Rate limit

async def test_public_routes_are_rate_limited_per_client(
    settings: Settings, gateway_settings: GatewaySettings
) -> None:
    app = create_app(settings, gateway_settings.model_copy(update={"public_rate_limit": 3}))
    async with serving(app) as http:
        key = {"X-API-Key": await new_key(app, "integration")}
        wait_clear_of_window_end()
        for _ in range(3):
            assert (await http.get("/v1/reference")).status_code == 200
        limited = await http.get("/v1/reference")
        assert_problem(limited, 429)
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        for _ in range(5):  # keyed routes and probes are not counted
            assert (await http.get("/v1/me", headers=key)).status_code == 200
            assert (await http.get("/health/live")).status_code == 200
        # A public route called with a valid key is not the public; a made-up key is.
        assert (await http.get("/v1/reference", headers=key)).status_code == 200
        made_up = {"X-API-Key": "dlg_0123456789abcdef0123_made-up"}
        assert_problem(await http.get("/v1/reference", headers=made_up), 429)


async def test_reference_is_public(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/reference")
    assert response.status_code == 200
    assert {"languages", "member_states", "topics"} <= response.json().keys()


# OpenAPI

async def test_openapi_documents_routes_security_and_problems(http: httpx.AsyncClient) -> None:
    response = await http.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert {"/health/live", "/health/ready", "/v1/me", "/v1/keys", "/v1/keys/{key_id}",
            "/v1/reference"} <= schema["paths"].keys()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerKey"]["scheme"] == "bearer"
    assert schemes["apiKeyHeader"] == {**schemes["apiKeyHeader"], "in": "header",
                                       "name": "X-API-Key", "type": "apiKey"}
    list_keys = schema["paths"]["/v1/keys"]["get"]
    assert {"bearerKey": []} in list_keys["security"]
    assert PROBLEM_JSON in list_keys["responses"]["403"]["content"]
    assert "security" not in schema["paths"]["/v1/reference"]["get"]
    assert "429" in schema["paths"]["/v1/reference"]["get"]["responses"]
    assert (await http.get("/schema")).status_code == 200


# Telemetry

async def test_spans_are_named_by_route_and_carry_no_key_or_address(
    settings: Settings, gateway_settings: GatewaySettings
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(settings, gateway_settings, tracer_provider=provider)
    async with serving(app) as http:
        key = await new_key(app, "admin")
        await http.delete("/v1/keys/0123456789abcdef0123", headers={"X-API-Key": key})
        await http.get("/v1/keys", headers={"X-API-Key": "dlg_0123456789abcdef0123_wrong"})
        await http.get("/no/such/route")
        await http.get("/registrations/cancel", params={"token": "mailed-secret-token"})
        await http.get("/v1/search", params={"q": "someone@example.org"})
    spans = {span.name: span for span in exporter.get_finished_spans()}
    assert {"DELETE /v1/keys/{key_id}", "GET /v1/keys", "GET"} <= spans.keys()
    assert spans["GET /v1/keys"].attributes["http.route"] == "/v1/keys"  # type: ignore[index]
    recorded = json.dumps([dict(span.attributes or {}) for span in spans.values()])
    assert key not in recorded and "wrong" not in recorded
    assert "mailed-secret-token" not in recorded and "someone" not in recorded
    assert "127.0.0.1" not in recorded  # the client's network only: 127.0.0.0


# The process and the CLI

async def test_the_gateway_process_serves_and_stops_cleanly(
    settings: Settings, tmp_path: Path
) -> None:
    env = {**os.environ, "NATS_URL": settings.effective_nats_url(), "GATEWAY_PORT": "0",
           "MONGO_URL": settings.effective_mongo_url(), "DB_PREFIX": settings.db_prefix}
    log_path = tmp_path / "gateway.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "services.gateway"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        url = await listening_url(log_path, process)
        async with httpx.AsyncClient(base_url=url) as http:
            response = await retry_until_answered(http, "/health/live")
            assert response.json() == {"status": "live"}
        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    lines = (await asyncio.to_thread(log_path.read_text)).splitlines()
    assert all(line.startswith("{") for line in lines), lines[:3]
    assert any('"message": "gateway stopped"' in line for line in lines), lines[-5:]


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MONGO_URL", settings.effective_mongo_url())
    monkeypatch.setenv("DB_PREFIX", settings.db_prefix)
    yield


def keys_cli(capsys: pytest.CaptureFixture[str], **args: str) -> tuple[int, str, str]:
    """Run `dialogues keys ...` as parsed arguments; (status, stdout, stderr)."""
    status = run_keys(argparse.Namespace(**args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.usefixtures("cli_env")
async def test_cli_creates_a_key_that_works_and_never_lists_it(
    app: Litestar, http: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    # The CLI runs its own event loop, as it does from a shell: give it a thread.
    status, out, err = await asyncio.to_thread(
        keys_cli, capsys, keys_command="create", role="translator", name="Traductora"
    )
    assert status == 0, err
    key = out.strip()
    assert "shown this once" in err
    me = await http.get("/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200
    assert me.json()["role"] == "translator"

    status, out, _ = await asyncio.to_thread(keys_cli, capsys, keys_command="list")
    assert status == 0
    assert me.json()["id"] in out and "Traductora" in out
    assert key not in out and key.split("_", 2)[2] not in out

    status, out, _ = await asyncio.to_thread(
        keys_cli, capsys, keys_command="revoke", key_id=me.json()["id"]
    )
    assert status == 0
    assert_problem(await http.get("/v1/me", headers={"Authorization": f"Bearer {key}"}), 401)
    status, _, err = await asyncio.to_thread(
        keys_cli, capsys, keys_command="revoke", key_id="00000000000000000000"
    )
    assert status == 1 and "no key" in err
