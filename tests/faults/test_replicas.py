"""Two replicas of every service share the work (RPCs answered by both, mails sent by both) and
never do it twice: a reminder that both notify replicas see goes out once per participant."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from shared.bus import call, make_broker
from shared.contracts.rpc import Ping, Pong, rpc_subject
from shared.settings import SERVICES
from tests.faults.support import (
    Stack,
    delivery_statuses,
    mail_attempts,
    open_session,
    register_many,
    settle,
)
from tests.support import eventually

pytestmark = pytest.mark.faults

OFFSET_MINUTES = 14_400  # ten days
DUE_IN_S = 15
PEOPLE = 30


async def instances_answering(up: Stack, service: str, calls: int = 30) -> set[str]:
    broker = make_broker(up.settings, client_name="faults-ping")
    await broker.connect()
    try:
        pongs = [await call(broker, rpc_subject(service, "ping"), Ping(), Pong, timeout=2.0)
                 for _ in range(calls)]
    finally:
        await broker.stop()
    return {pong.instance for pong in pongs}


async def test_two_replicas_share_the_work_and_remind_once(stack: Callable[..., Stack]) -> None:
    up = stack(replicas=2, NOTIFY_REMINDER_OFFSETS_MINUTES=f"[{OFFSET_MINUTES}]")
    # The reminder falls due DUE_IN_S seconds from now, after everyone has registered.
    starts = datetime.now(UTC) + timedelta(minutes=OFFSET_MINUTES, seconds=DUE_IN_S)
    session_id, _ = await open_session(up, starts_at=starts.isoformat(),
                                       ends_at=(starts + timedelta(hours=1)).isoformat())
    people = [f"replica{i}@example.org" for i in range(PEOPLE)]
    answers = await register_many(up, session_id, people)
    assert set(answers.values()) == {201}
    for service in SERVICES:
        answering = await instances_answering(up, service)
        assert len(answering) == 2, (service, answering)

    # A confirmation and a reminder each, and nothing twice.
    await eventually(lambda: up.smtp.box.count() >= 2 * PEOPLE, DUE_IN_S + 45,
                     "confirmations and reminders", interval=0.1)
    await settle(up)
    await asyncio.sleep(3)  # the other replica's reminder poller (timed: quiet cannot see it)
    per_address = up.smtp.box.per_address()
    subjects = {mail.subject.split(":")[0] for mail in up.smtp.box.mails}
    print(f"\n{PEOPLE} registered; mails {up.smtp.box.count()} ({sorted(subjects)}); "
          f"sends by notify process {mail_attempts(up)}")
    assert len(subjects) == 2
    assert all(per_address[address] == 2 for address in people), per_address
    assert up.smtp.box.doubled() == {}
    assert await delivery_statuses(up) == {"sent": 2 * PEOPLE}
    assert all(sends > 0 for sends in mail_attempts(up))  # both replicas sent mail
