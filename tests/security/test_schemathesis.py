"""Schemathesis against the gateway's own OpenAPI document, every service running behind it.

Each operation gets a few positive and negative cases, sent with an admin key (so keyed routes
are exercised past their guards). Checks: no 5xx, declared status codes, declared content
types and headers, bodies matching their schemas (problem+json for errors).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.service import RunningService
from shared.settings import Settings
from tests.security.server_support import listening
from tests.support import new_key
from tests.support.sessions import person, published_session

pytestmark = pytest.mark.security

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
"""Cases per operation and generation mode (~55 operations x 2 modes: ~30 s at 6); CI or a
deeper local run may raise it with FUZZ_EXAMPLES."""


def fuzz(base_url: str, api_key: str, known: dict[str, str]) -> list[str]:
    """Run every operation; the failures, one line each (all are collected, none stop the run).

    Positive cases use the ids in `known` for path parameters of those names, so handlers are
    reached past "not found"; negative cases mangle everything.
    """
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema raises here
        names = {p.name for p in operation.path_parameters}
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            label = f"{operation.label} [{mode.value}]"
            ids = ({k: v for k, v in known.items() if k in names}
                   if mode is schemathesis.GenerationMode.POSITIVE else None)
            with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                # Unsatisfiable: nothing to make invalid (no parameters and no body).
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=ids)
                exercise(strategy, base_url, api_key, label, failures)
    return failures


async def resources(base_url: str, api_key: str) -> dict[str, str]:
    """A published session with a registration, and a published document: real ids."""
    async with httpx.AsyncClient(base_url=base_url, headers={"X-API-Key": api_key}) as http:
        session_id = await published_session(http, api_key)
        registered = await http.post(f"/v1/sessions/{session_id}/registrations",
                                     json=person())
        # A reschedule: times written by an update, not an insert.
        starts = datetime.now(UTC) + timedelta(days=11)
        moved = await http.patch(f"/v1/sessions/{session_id}", json={
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "capacity": 5})
        assert moved.status_code == 200, moved.text
        draft = {"type": "guide", "source_language": "es", "title": {"es": "Guía"},
                 "body": {"es": "La contratación pública es clave."}}
        document = await http.post("/v1/documents", json=draft)
        assert document.status_code == 201, document.text
        document_id = document.json()["id"]
        await http.post(f"/v1/documents/{document_id}/publish")
    return {"session_id": session_id, "document_id": document_id,
            "registration_id": registered.json()["registration_id"]}


def exercise(strategy: Any, base_url: str, api_key: str, label: str,
             failures: list[str]) -> None:
    headers = {"X-API-Key": api_key}

    @given(case=strategy)
    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None,
                         phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    def one(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=10)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as error:  # all reported together at the end
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            failures.append(f"{label} {response.status_code}: {' | '.join(lines)[:900]}")

    one()


@pytest.mark.timeout(300)
async def test_every_operation_conforms_to_the_schema(
    settings: Settings, gateway_settings: GatewaySettings,
    running_services: dict[str, RunningService]
) -> None:
    # Enough public requests for the fuzzing not to be rate limited (429 is tested elsewhere).
    app = create_app(settings, gateway_settings.model_copy(
        update={"public_rate_limit": 1_000_000}))
    async with listening(app) as base_url:
        admin = await new_key(app, "admin")
        known = await resources(base_url, admin)
        failures = await asyncio.to_thread(fuzz, base_url, admin, known)
    assert not failures, "\n".join(sorted(set(failures)))
