"""Every transition, crashed before each of its writes in turn, is finished or undone cleanly.

For each transition and each write n it makes, a fresh session is set up, the transition runs
on a Store that dies before write n, a new process's sweeper runs, and then the ledger is
exact; if the transition had been recorded before the crash, the sweeper alone has finished
it, else the caller's retry does; a retry of a finished one changes nothing. Each registration
ends with one event per transition. Then the same with each write that queues events torn as
the embedded stand-in can tear it (the events without the change).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.registration.bootstrap import STUCK_AFTER
from services.registration.handlers import Deps
from services.registration.handlers.approvals import approve, reject
from services.registration.handlers.confirmation import confirm
from services.registration.handlers.expiry import expire_lapsed_holds
from services.registration.handlers.recovery import sweep
from services.registration.handlers.registrations import cancel, register
from services.registration.handlers.sessions import (
    cancel_session,
    create_session,
    patch_session,
    publish,
)
from services.registration.store import Store, indexes
from shared.contracts.registration.rpc import RegistrationForm, SessionFields
from shared.db import Document, ensure_indexes, make_client
from shared.settings import Settings
from shared.tokens import Signer
from tests.integration.registration_support import (
    LATER,
    NOW,
    Crash,
    CrashingStore,
    Scenario,
    World,
    crash_everywhere,
)

pytestmark = pytest.mark.integration
Step = Callable[[World], Awaitable[object]]
SEATED, WAITING = {"Confirmed"}, {"Waitlisted"}
HELD = {"AwaitingConfirmation"}
HOLD = {"hold_until_confirmed": True, "confirmation_minutes": 60}
"""Places held until the address is confirmed, long enough that the sweeps (at LATER) leave
the holds alone."""


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[AsyncDatabase[Document]]:
    client = make_client(settings, app_name="test-crashes")
    database = client[settings.database_name("registration")]
    await ensure_indexes(database, indexes())
    yield database
    await client.close()


def form(name: str) -> RegistrationForm:
    return RegistrationForm(name=name.upper(), email=f"{name}@example.org", country="CO",
                            institution="CCE", sector="government", job_title="Analyst",
                            preferred_language="es", consent=True)


def people(capacity: int, *names: str, **settings: object) -> Step:
    """A published session, and these people registering in this order."""
    async def setup(world: World) -> None:
        deps, starts = world.deps(), NOW + timedelta(days=7)
        session = await create_session(deps, SessionFields.model_validate({
            "title": {"es": "Compras"}, "format": "webinar", "starts_at": starts,
            "ends_at": starts + timedelta(hours=1), "timezone": "America/Bogota",
            "languages": ["es"], "capacity": capacity, **settings}), NOW)
        await publish(deps, session["_id"], NOW)
        world.session_id = session["_id"]
        for name in names:
            await register(deps, world.session_id, form(name), NOW)
    return setup


def then(*steps: Step) -> Callable[[World], Awaitable[None]]:
    async def all_of(world: World) -> None:
        for step in steps:
            await step(world)
    return all_of


def cancelling(name: str, by: str = "participant") -> Callable[[World, Deps], Awaitable[object]]:
    async def act(world: World, deps: Deps) -> object:
        return await cancel(deps, await world.id(name), by, NOW)
    return act


async def cancel_only_recorded(world: World, name: str = "a") -> None:
    """A cancellation whose process died right after its first write."""
    crashing = CrashingStore(world.db)
    crashing.plan.arm(2)
    with pytest.raises(Crash):
        await cancellation(world, crashing, name)


async def cancellation(world: World, store: Store, name: str) -> object:
    return await cancel(world.deps(store), await world.id(name), "participant", NOW)


def registering(name: str) -> Callable[[World, Deps], Awaitable[object]]:
    async def act(world: World, deps: Deps) -> object:
        return await register(deps, world.session_id, form(name), NOW)
    return act


def recorded_when(test: Callable[[Document], bool], name: str | None = None
                  ) -> Callable[[World], Awaitable[bool]]:
    """Whether the registration of `name` (else the session) passes `test`."""
    async def recorded(world: World) -> bool:
        store = Store(world.db)
        found = await (store.registration(await world.id(name)) if name
                       else store.session(world.session_id))
        return found is not None and test(found)
    return recorded


def registered(name: str, times: int = 1) -> Callable[[World], Awaitable[bool]]:
    async def recorded(world: World) -> bool:
        return len(await world.ids(name)) >= times
    return recorded


async def approving(world: World, deps: Deps) -> object:
    return await approve(deps, await world.id("p"), NOW)


async def rejecting(world: World, deps: Deps) -> object:
    return await reject(deps, await world.id("p"), "Fuera de plazo", NOW)


async def more_seats(world: World, deps: Deps) -> object:
    return await patch_session(deps, world.session_id, SessionFields(capacity=3),
                               unset_capacity=False, force=False, now=NOW)


async def cancelling_the_session(world: World, deps: Deps) -> object:
    return await cancel_session(deps, world.session_id, "Sin ponentes", NOW)


def confirming(name: str) -> Callable[[World, Deps], Awaitable[object]]:
    async def act(world: World, deps: Deps) -> object:
        return await confirm(deps, await world.id(name), NOW)
    return act


def confirmed_by_owner(name: str) -> Step:
    async def step(world: World) -> None:
        await confirm(world.deps(), await world.id(name), NOW)
    return step


async def expiring(world: World, deps: Deps) -> object:
    return await expire_lapsed_holds(deps, LATER)


def cancelled(document: Document) -> bool:
    return bool(document["status"] == "cancelled")


SCENARIOS: dict[str, Scenario] = {
    "cancel a seat": Scenario(
        people(2, "a", "b", "w1", "w2"), cancelling("a", "secretariat"),
        recorded_when(cancelled, "a"),
        {"a": [("cancelled", {"Confirmed", "Cancelled"})], "b": [("confirmed", SEATED)],
         "w1": [("confirmed", {"Waitlisted", "Promoted"})], "w2": [("waitlisted", WAITING)]}),
    "leave the waiting list": Scenario(
        people(2, "a", "b", "w1", "w2"), cancelling("w1"), recorded_when(cancelled, "w1"),
        {"a": [("confirmed", SEATED)], "b": [("confirmed", SEATED)],
         "w1": [("cancelled", {"Waitlisted", "Cancelled"})], "w2": [("waitlisted", WAITING)]}),
    "register into a free seat": Scenario(
        people(3, "a", "b"), registering("n"), registered("n"),
        {"a": [("confirmed", SEATED)], "b": [("confirmed", SEATED)],
         "n": [("confirmed", SEATED)]}),
    "register onto the waiting list": Scenario(
        people(2, "a", "b", "w1"), registering("n"), registered("n"),
        {"a": [("confirmed", SEATED)], "b": [("confirmed", SEATED)],
         "w1": [("waitlisted", WAITING)], "n": [("waitlisted", WAITING)]}),
    "raise the capacity": Scenario(
        people(2, "a", "b", "w1", "w2"), more_seats,
        recorded_when(lambda session: session["capacity"] == 3),
        {"a": [("confirmed", SEATED)], "b": [("confirmed", SEATED)],
         "w1": [("confirmed", {"Waitlisted", "Promoted"})], "w2": [("waitlisted", WAITING)]}),
    "approve": Scenario(
        people(1, "a", "p", requires_approval=True), approving,
        recorded_when(lambda registration: registration.get("approved_at") is not None, "p"),
        {"a": [("pending_approval", {"Pending"})],
         "p": [("confirmed", {"Pending", "Confirmed"})]}),
    "reject": Scenario(
        people(1, "p", requires_approval=True), rejecting,
        recorded_when(lambda registration: registration["status"] == "rejected", "p"),
        {"p": [("rejected", {"Pending", "Rejected"})]}),
    "cancel the session": Scenario(
        people(1, "a", "w1"), cancelling_the_session, recorded_when(cancelled),
        {"a": [("cancelled", {"Confirmed", "Cancelled"})],
         "w1": [("cancelled", {"Waitlisted", "Cancelled"})]}),
    "register again": Scenario(
        then(people(1, "a", "w1"), lambda world: cancellation(world, Store(world.db), "a")),
        registering("a"), registered("a", times=2),
        {"a": [("cancelled", {"Confirmed", "Cancelled"}), ("waitlisted", WAITING)],
         "w1": [("confirmed", {"Waitlisted", "Promoted"})]}),
    "register again before the place is back": Scenario(
        then(people(1, "a", "w1"), cancel_only_recorded),
        registering("a"), registered("a", times=2),
        {"a": [("cancelled", {"Confirmed", "Cancelled"}), ("waitlisted", WAITING)],
         "w1": [("confirmed", {"Waitlisted", "Promoted"})]}),
    "confirm the address of a held seat": Scenario(
        people(1, "a", **HOLD), confirming("a"),
        recorded_when(lambda registration: registration["status"] == "confirmed", "a"),
        {"a": [("confirmed", HELD | SEATED)]}),
    "confirm the address of a place on the waiting list": Scenario(
        people(1, "a", "w1", **HOLD), confirming("w1"),
        recorded_when(lambda registration: registration["status"] == "waitlisted", "w1"),
        {"a": [("awaiting_confirmation", HELD)], "w1": [("waitlisted", HELD | WAITING)]}),
    "confirm the address before the approval": Scenario(
        people(1, "p", requires_approval=True, **HOLD), confirming("p"),
        recorded_when(lambda registration: registration.get("address_confirmed_at") is not None,
                      "p"),
        {"p": [("pending_approval", HELD | {"Pending"})]}),
    "expire an unconfirmed seat": Scenario(
        # Lapsing at LATER, when the sweeps run; w1 confirmed in time and moves up.
        then(people(1, "a", "w1", hold_until_confirmed=True, confirmation_minutes=1),
             confirmed_by_owner("w1")),
        expiring, recorded_when(lambda registration: registration["status"] == "expired", "a"),
        {"a": [("expired", HELD | {"Expired"})],
         "w1": [("confirmed", HELD | WAITING | {"Promoted"})]},
        sweep_at=LATER + timedelta(minutes=1)),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_a_crash_before_any_write_is_finished_or_undone(
        db: AsyncDatabase[Document], settings: Settings, name: str) -> None:
    writes, _ = await crash_everywhere(db, Signer(settings.token_secret), SCENARIOS[name])
    assert writes >= 1


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_a_torn_write_is_redone_with_the_same_events(
        db: AsyncDatabase[Document], settings: Settings, name: str) -> None:
    _, torn = await crash_everywhere(db, Signer(settings.token_secret), SCENARIOS[name],
                                     tear=True)
    assert torn >= 1  # some write of it queues events


async def test_a_seat_whose_cancellation_was_cut_short_is_never_given_twice(
        db: AsyncDatabase[Document], settings: Settings) -> None:
    world = World(db, Signer(settings.token_secret))
    await people(1, "a")(world)
    await cancel_only_recorded(world)
    newcomer = await register(world.deps(), world.session_id, form("n"), NOW)
    assert newcomer.status == "waitlisted"  # the seat is not free until it is given back
    outcome = await world.outcome()
    assert [status for status, _ in outcome["a"]] == ["cancelled"]

    await sweep(world.deps(), LATER, STUCK_AFTER)
    await world.assert_exact()
    assert await world.outcome() == {"a": [("cancelled", {"Confirmed", "Cancelled"})],
                                     "n": [("confirmed", {"Waitlisted", "Promoted"})]}


async def test_a_free_seat_goes_to_the_first_waiter_not_to_a_newcomer(
        db: AsyncDatabase[Document], settings: Settings) -> None:
    world = World(db, Signer(settings.token_secret))
    await people(2, "a", "b", "w1")(world)
    crashing = CrashingStore(db)
    crashing.plan.arm(2)  # a seat more, and the process dies before offering it to w1
    with pytest.raises(Crash):
        await more_seats(world, world.deps(crashing))
    newcomer = await register(world.deps(), world.session_id, form("n"), NOW)
    assert newcomer.status == "waitlisted"
    await world.assert_exact()
    assert await world.outcome() == {
        "a": [("confirmed", SEATED)], "b": [("confirmed", SEATED)],
        "w1": [("confirmed", {"Waitlisted", "Promoted"})], "n": [("waitlisted", WAITING)]}
