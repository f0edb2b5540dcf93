"""NATS subject patterns, as the DLQ replay checks them against streams and consumer filters."""

from __future__ import annotations

import pytest

from shared.dlq import subject_matches

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("subject", "pattern", "matches"), [
    ("registration.session.published.v1", "registration.>", True),
    ("registration", "registration.>", False),
    ("registration.session.published.v1", "registration.session.*", False),
    ("registration.session.published", "registration.session.*", True),
    ("registration.session.published.v1", "registration.*.published.v1", True),
    ("registration.participant.confirmed.v1", "registration.session.>", False),
    ("ingest.catalog.chilecompra.document.v1", "ingest.catalog.*.document.v1", True),
    ("ingest.catalog.document.v1", "ingest.catalog.*.document.v1", False),  # the old subject
    ("ingest.catalog.chilecompra.document.v1.extra", "ingest.catalog.*.document.v1", False),
    ("rpc.registration.cancel", "registration.>", False),
])
def test_a_subject_matches_a_pattern_token_by_token(subject: str, pattern: str,
                                                    matches: bool) -> None:
    assert subject_matches(subject, pattern) is matches
