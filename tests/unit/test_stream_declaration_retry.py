"""Declaring streams waits out a JetStream that cannot answer yet, and only that."""

from __future__ import annotations

import pytest
from nats.js.errors import NotFoundError, ServiceUnavailableError

from shared.streams import until_jetstream_answers


class Flaky:
    """Fails with each of `errors` in turn, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> None:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)


async def test_a_cluster_still_electing_is_asked_again() -> None:
    call = Flaky(TimeoutError(), ServiceUnavailableError())
    await until_jetstream_answers(call, "REGISTRATION", within_s=10)
    assert call.calls == 3


async def test_a_real_answer_is_not_retried() -> None:
    call = Flaky(NotFoundError())
    with pytest.raises(NotFoundError):
        await until_jetstream_answers(call, "REGISTRATION", within_s=10)
    assert call.calls == 1


async def test_it_gives_up_at_its_deadline() -> None:
    call = Flaky(*(TimeoutError() for _ in range(100)))
    with pytest.raises(TimeoutError):
        await until_jetstream_answers(call, "REGISTRATION", within_s=0.5)
    assert 1 < call.calls < 5
