"""What a crash between two writes leaves behind is finished by the sweeper, exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from services.registration.bootstrap import SPEC, deps_of
from services.registration.handlers.recovery import finish_stuck, repair_promotions
from services.registration.handlers.registrations import new_registration
from services.registration.handlers.sessions import create_session, publish
from shared.contracts.registration.rpc import RegistrationForm, SessionFields
from shared.service import RunningService, start_service
from shared.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[RunningService]:
    running = await start_service(SPEC, settings)
    yield running
    await running.stop()


def form(email: str) -> RegistrationForm:
    return RegistrationForm.model_validate({
        "name": "P", "email": email, "country": "BR", "institution": "I",
        "sector": "academia", "job_title": "J", "preferred_language": "pt", "consent": True})


async def test_the_sweeper_finishes_stuck_registrations_and_promotions(
        service: RunningService) -> None:
    deps, now = deps_of(service.runtime), datetime.now(UTC)
    starts = now + timedelta(days=2)
    session = await create_session(deps, SessionFields(
        title={"pt": "Compras"}, format="course", starts_at=starts,
        ends_at=starts + timedelta(hours=1), timezone="America/Sao_Paulo",
        languages=["pt"], capacity=1), now)
    await publish(deps, session["_id"], now)

    # Crash 1: inserted as `received`, seat claimed, status never written.
    first = new_registration(session["_id"], form("a@x.org"), now - timedelta(minutes=1))
    await deps.store.insert_registration(first)
    ledger = await deps.store.session(session["_id"])
    assert ledger is not None
    from services.registration.handlers.placing import place
    (status, _), _ = await place(deps, session["_id"], first, now)
    assert status == "confirmed"
    # Crash 2: inserted as `received`, nothing else.
    second = new_registration(session["_id"], form("b@x.org"), now - timedelta(minutes=1))
    await deps.store.insert_registration(second)
    # Still being registered (made just now): not the sweeper's yet.
    young = new_registration(session["_id"], form("c@x.org"), now)
    await deps.store.insert_registration(young)

    assert await finish_stuck(deps, now, timedelta(seconds=10)) == 2
    assert await finish_stuck(deps, now, timedelta(seconds=10)) == 0
    done = {r["_id"]: r["status"] for r in await deps.store.registrations.find({}).to_list()}
    assert done == {first["_id"]: "confirmed", second["_id"]: "waitlisted",
                    young["_id"]: "received"}
    ledger = await deps.store.session(session["_id"])
    assert ledger is not None and ledger["confirmed"] == 1 and ledger["seats"] == [first["_id"]]

    # Crash 3: the first cancelled, the waiter moved into the seat, its status never written.
    await deps.store.release(session["_id"], first["_id"], "BR")
    await deps.store.registrations.update_one({"_id": first["_id"]},
                                              {"$set": {"status": "cancelled"}})
    claim_ledger = await deps.store.session(session["_id"])
    assert claim_ledger is not None
    from services.registration.domain.rules import seat_claim_for
    claim = seat_claim_for(1, 0, {}, [], "BR", now)
    assert claim is not None
    assert await deps.store.take_seat(claim_ledger, second["_id"], claim, from_waiting=True)
    assert await repair_promotions(deps, now) == 1
    assert await repair_promotions(deps, now) == 0
    promoted = await deps.store.registration(second["_id"])
    assert promoted is not None and promoted["status"] == "confirmed"
    assert promoted["promoted_at"] is not None
