"""Crashes between the writes of the registration service, and what must hold after them.

`CrashingStore` is the service's Store whose database "dies" before its n-th write: the
write and everything after it never happen, as after `kill -9`. With `tear`, that write
leaves its outbox entries and nothing else first, as the embedded stand-in can (it runs
`$addToSet` as its own statement before the rest of an update). `crash_everywhere` runs a
transition so crashed before each of its writes in turn, with the sweeper after each crash.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.registration.bootstrap import STUCK_AFTER
from services.registration.domain.errors import Refusal
from services.registration.handlers import Deps
from services.registration.handlers.recovery import sweep
from services.registration.store import Store
from shared.db import Document
from shared.tokens import Signer

NOW = datetime.now(UTC).replace(microsecond=0)
LATER = NOW + timedelta(minutes=1)
"""When the sweeper runs: long enough after a crash to take it for one."""
WRITES = ("insert_one", "update_one", "find_one_and_update", "find_one_and_replace",
          "delete_one")
Outcome = dict[str, list[tuple[str, set[str]]]]
"""Per person (the e-mail's local part), each registration oldest first: its status and the
kinds of its events, without the `Participant` prefix."""


class Crash(Exception):
    """The process died before this write."""


class CrashPlan:
    """Once armed, crashes before the `at`-th write from then on."""

    def __init__(self) -> None:
        self.left: int | None = None
        self.tear = self.torn = False

    def arm(self, at: int, *, tear: bool = False) -> None:
        self.left, self.tear, self.torn = at, tear, False

    async def before(self, collection: AsyncCollection[Document], args: tuple[Any, ...]
                     ) -> None:
        if self.left is None:
            return
        self.left -= 1
        if self.left > 0:
            return
        self.left = None
        update = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        entries = update.get("$addToSet", {}).get("outbox")
        if self.tear and entries is not None:
            await collection.update_one(args[0], {"$addToSet": {"outbox": entries}})
            self.torn = True
        raise Crash


class CrashingCollection:
    """A collection whose writes go through the plan first; reads pass straight through."""

    def __init__(self, inner: AsyncCollection[Document], plan: CrashPlan) -> None:
        self._inner, self._plan = inner, plan

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._inner, name)
        if name not in WRITES:
            return found

        async def write(*args: Any, **kwargs: Any) -> Any:
            await self._plan.before(self._inner, args)
            return await found(*args, **kwargs)
        return write


class CrashingStore(Store):
    """The service's Store, crashing as its `plan` says."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        super().__init__(db)
        self.plan = CrashPlan()
        self.sessions = cast(Any, CrashingCollection(self.sessions, self.plan))
        self.registrations = cast(Any, CrashingCollection(self.registrations, self.plan))


@dataclass
class World:
    """One session of a test and the processes that act on it."""

    db: AsyncDatabase[Document]
    signer: Signer
    session_id: str = ""

    def deps(self, store: Store | None = None) -> Deps:
        """A process's dependencies: a fresh Store (nothing remembered) unless given."""
        return Deps(store or Store(self.db), self.signer, lambda *_: None)

    async def ids(self, name: str) -> list[str]:
        """The registrations of `name@example.org`, oldest first."""
        found = await Store(self.db).registrations.find(
            {"session_id": self.session_id, "email": f"{name}@example.org"}).to_list()
        return sorted(r["_id"] for r in found)

    async def id(self, name: str) -> str:
        return (await self.ids(name))[-1]

    async def outcome(self) -> Outcome:
        found = await Store(self.db).registrations.find(
            {"session_id": self.session_id}).to_list()
        seen: Outcome = {}
        # Oldest first: those that gave their address up to a newer one, then by id.
        for registration in sorted(found, key=lambda r: (
                not r["email_key"].startswith("retired:"), r["_id"])):
            seen.setdefault(registration["email"].split("@")[0], []).append(
                (registration["status"], event_kinds(registration)))
        return seen

    async def assert_exact(self) -> None:
        store = Store(self.db)
        session = await store.session(self.session_id)
        assert session is not None
        ledger_is_exact(session, await store.registrations.find(
            {"session_id": self.session_id}).to_list())


@dataclass(frozen=True)
class Scenario:
    setup: Callable[[World], Awaitable[object]]
    act: Callable[[World, Deps], Awaitable[object]]
    recorded: Callable[[World], Awaitable[bool]]
    """Whether the transition is on disk (then the sweeper alone must finish it)."""
    outcome: Outcome
    sweep_at: datetime = LATER
    """When the sweeper runs after a crash: a minute after the transition."""


async def crash_everywhere(db: AsyncDatabase[Document], signer: Signer, scenario: Scenario,
                           *, tear: bool = False) -> tuple[int, int]:
    """Run `scenario` crashing before each write in turn; how many writes it makes, and how
    many of them were torn.

    After each crash a new process sweeps: the ledger is exact, and the transition is done
    if it was recorded. Then the caller retries: it is done, and a second time changes
    nothing."""
    torn = 0
    for at in range(1, 50):
        world = World(db, signer)
        await scenario.setup(world)
        crashing = CrashingStore(db)
        crashing.plan.arm(at, tear=tear)
        try:
            await scenario.act(world, world.deps(crashing))
        except Crash:
            pass
        else:
            return at - 1, torn
        if tear and not crashing.plan.torn:
            continue  # that write queues no events: the clean crash covers it
        torn += crashing.plan.torn
        recorded = await scenario.recorded(world)
        await sweep(world.deps(), scenario.sweep_at, STUCK_AFTER)
        await world.assert_exact()
        if recorded:
            _expect(await world.outcome(), scenario.outcome, f"unfinished, crash at {at}")
        try:
            await scenario.act(world, world.deps())
        except Refusal as refused:
            assert refused.code == "conflict", refused  # approving twice, say
        await sweep(world.deps(), scenario.sweep_at, STUCK_AFTER)
        await world.assert_exact()
        _expect(await world.outcome(), scenario.outcome, f"crash before write {at}")
    pytest.fail("the transition never ran to its end")


def _expect(seen: Outcome, expected: Outcome, where: str) -> None:
    # Spelled out: pytest rewrites the asserts of test modules only.
    assert seen == expected, f"{where}:\n seen     {seen}\n expected {expected}"


def event_kinds(registration: Document) -> set[str]:
    """The kinds of the events queued for a registration, from their ids.

    Event ids are `<registration>-<kind>`: one id per transition, however often it was queued
    (a redone write may queue the same id twice; JetStream and the consumers drop the copy).
    Left out: `<registration>-<kind>.<occurrence>`, events that are no transition, such as
    the mail to the owner of an address registered again (a caller's retry after the crash
    is one, or not, depending on where the crash fell).
    """
    kinds = set()
    for entry in registration["outbox"]:
        prefix, _, kind = entry["id"].rpartition("-")
        assert prefix == registration["_id"], entry["id"]
        if "." not in kind:
            kinds.add(kind.removeprefix("Participant"))
    return kinds


def ledger_is_exact(session: Document, registrations: list[Document]) -> None:
    """The ledger and the registrations tell the same story, with nothing left half-done."""
    seats, waiting = session["seats"], session["waiting"]
    assert len(seats) == len(set(seats)) and len(waiting) == len(set(waiting)), session
    assert not set(seats) & set(waiting), "somebody holds two places"
    assert session["confirmed"] == len(seats), session
    if session.get("capacity") is not None:
        assert session["confirmed"] <= session["capacity"], session
    status = {r["_id"]: r["status"] for r in registrations}

    def having(wanted: str) -> set[str]:
        return {r for r, s in status.items() if s == wanted}
    if session["status"] == "published":
        # A place may also be held for someone whose address is still to be confirmed.
        held = having("awaiting_confirmation")
        assert having("confirmed") <= set(seats) and set(seats) - having("confirmed") <= held, \
            status
        assert having("waitlisted") <= set(waiting) \
            and set(waiting) - having("waitlisted") <= held, status
    else:
        assert {"confirmed", "waitlisted", "pending_approval", "awaiting_confirmation"
                }.isdisjoint(status.values()), f"active in a cancelled session: {status}"
    assert "received" not in status.values(), status
    assert all(r.get("release_due") is None for r in registrations), "a place not given back"
    assert session.get("participants_due") is None, "participants not cancelled"
