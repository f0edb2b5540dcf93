"""A hold taken as a mail is queued lets its sender go straight to SMTP only while it leaves
half a fresh claim's lease."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.domain.delivery import Hold, hold_still_covers_a_send

pytestmark = pytest.mark.unit

NOW, LEASE = datetime(2030, 1, 1, tzinfo=UTC), timedelta(seconds=60)


@pytest.mark.parametrize(("left_s", "covers"), [(60, True), (30, True), (29, False), (-1, False)])
def test_a_hold_covers_a_send_while_half_its_lease_is_left(left_s: int, covers: bool) -> None:
    hold = Hold("me", "attempt-1", NOW + timedelta(seconds=left_s))
    assert hold_still_covers_a_send(hold, NOW, LEASE) is covers
