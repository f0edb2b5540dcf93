"""docs/asyncapi.json is what the code says the bus carries; it fails when left stale."""

from __future__ import annotations

import json

import pytest

from cli.asyncapi import DOCUMENT, specification

pytestmark = pytest.mark.unit


def test_committed_asyncapi_document_is_current() -> None:
    generated = specification()
    assert DOCUMENT.read_text() == generated, (
        "docs/asyncapi.json is stale: run `dialogues asyncapi --write` and commit it")


def test_document_covers_every_service_and_event() -> None:
    document = json.loads(specification())
    addresses = {channel["address"] for channel in document["channels"].values()}
    for service in ("registration", "catalog", "notify", "translate"):
        assert f"rpc.{service}.ping" in addresses
    # Every event a service publishes, and what other systems send on ingest.>.
    for event in ("registration.participant.confirmed.v1", "registration.session.rescheduled.v1",
                  "catalog.document.published.v1", "translate.job.completed.v1",
                  "notify.mail.failed.v1", "ingest.registration.attendance.v1",
                  "ingest.catalog.*.document.v1"):
        assert event in addresses, event
    assert document["asyncapi"].startswith("3.")
