"""An idle poller looks less and less often, up to a cap, and soon again after work."""

from __future__ import annotations

import pytest

from services.notify.pollers import IDLE_CAP_S, IdlePause

pytestmark = pytest.mark.unit


def test_idle_looks_double_the_pause_up_to_ten_times_poll_seconds() -> None:
    pause = IdlePause.of(0.05)
    assert [round(pause.next(), 2) for _ in range(6)] == [0.05, 0.1, 0.2, 0.4, 0.5, 0.5]


def test_work_found_brings_the_pause_back_to_poll_seconds() -> None:
    pause = IdlePause.of(0.5)
    for _ in range(8):
        pause.next()
    assert pause.next() == IDLE_CAP_S
    pause.worked()
    assert pause.next() == 0.5


def test_a_long_poll_setting_is_never_shortened() -> None:
    pause = IdlePause.of(30.0)
    assert [pause.next(), pause.next()] == [30.0, 30.0]
