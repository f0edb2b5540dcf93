"""The rules behind what the public site shows a participant (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.registration.domain.rules import participant_may_cancel

pytestmark = pytest.mark.unit
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def session(**changes: Any) -> dict[str, Any]:
    return {"status": "published", "ends_at": NOW + timedelta(hours=1), **changes}


@pytest.mark.parametrize("status", ["received", "confirmed", "waitlisted", "pending_approval"])
def test_an_active_registration_may_be_cancelled_until_the_session_ends(status: str) -> None:
    assert participant_may_cancel(status, session(), NOW)
    assert not participant_may_cancel(status, session(ends_at=NOW), NOW)
    assert not participant_may_cancel(status, session(status="cancelled"), NOW)


@pytest.mark.parametrize("status", ["cancelled", "rejected"])
def test_a_finished_registration_may_not_be_cancelled(status: str) -> None:
    assert not participant_may_cancel(status, session(), NOW)
