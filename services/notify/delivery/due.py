"""Which mails one replica knows to be due, so that its sender claims them by `_id`.

Claiming "any due mail" is a query on status and due time: MongoDB walks an index for it,
but the embedded stand-in reads the whole, ever-growing delivery log each time, which at a
hundred mails a second was most of its work. So the mailer hands each mail it queued (with
its rendered message) straight to this replica's sender, a temporary failure waits here for
its retry, and a slower sweep of the log (`sweep_seconds`) finds what nobody handed over:
mail queued by a replica that died, a lease that ran out, a retry planned by another replica.

A hint is only a hint: the claim is still the conditional write on the delivery record, so
two replicas (or a hint and a sweep) pointing at one mail never send it twice, and a hint
lost with its process is found again by some replica's sweep.

A replica's mailer queues a new mail already claimed for its own sender (`hold`: the claim
rides in the insert, one command fewer a mail), and hands the claimed mail over with its
message; the sender then needs no read or write before the SMTP exchange. A mail held by a
replica that dies waits for its lease to run out, like one it was sending.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from services.notify.domain.delivery import Delivery, Hold
from services.notify.settings import NotifySettings
from services.notify.store import Deliveries, ms
from shared.clock import Clock
from shared.ids import new_id

log = logging.getLogger(__name__)
BODIES_HELD = 2000
"""Rendered messages kept for the sender (about 5 KiB each); beyond, it reads them back."""
SWEEP_LIMIT = 50_000
"""Most unfinished mails one sweep notes; a longer backlog is met by the next sweeps."""


@dataclass
class DueMails:
    """Delivery ids this replica should try to claim, now or at a known time."""

    clock: Clock
    owner: str | None = None
    """The replica whose sender takes these mails; None: nobody here sends (no holds)."""
    lease: timedelta = timedelta(seconds=60)
    """How long a hold taken at queueing keeps other replicas off a mail."""
    _ready: asyncio.Queue[str] = field(default_factory=asyncio.Queue, init=False)
    _later: list[tuple[int, str]] = field(default_factory=list, init=False)
    _known: dict[str, int] = field(default_factory=dict, init=False)
    """id -> due time (epoch ms) of every id waiting here, ready or later: no id twice."""
    _bodies: dict[str, str] = field(default_factory=dict, init=False)
    _later_added: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _held: dict[str, tuple[Delivery, Hold]] = field(default_factory=dict, init=False)
    """Mails queued already claimed for this replica's sender, by id."""

    def hold(self) -> Hold | None:
        """A claim for a mail about to be queued, for this replica's sender; None if there
        is none here, or it has as many in hand as it keeps (then the mail is queued free)."""
        if self.owner is None or len(self._held) >= BODIES_HELD:
            return None
        now = self.clock()
        return Hold(self.owner, new_id(now), now + self.lease)

    def add(self, delivery_id: str, due_ms: int, body: str | None = None,
            held: tuple[Delivery, Hold] | None = None) -> None:
        """Try `delivery_id` at `due_ms` (now, if past), unless it is already due sooner;
        `held`: the mail as queued under this replica's hold."""
        if body is not None and len(self._bodies) < BODIES_HELD:
            self._bodies[delivery_id] = body
        if held is not None:
            self._held[delivery_id] = held
        known = self._known.get(delivery_id)
        if known is not None and known <= due_ms:
            return
        self._known[delivery_id] = due_ms
        if due_ms <= ms(self.clock()):
            self._ready.put_nowait(delivery_id)
        else:
            heapq.heappush(self._later, (due_ms, delivery_id))
            self._later_added.set()

    def release(self) -> None:
        """Make ready the ids whose time has come."""
        now = ms(self.clock())
        while self._later and self._later[0][0] <= now:
            due_ms, delivery_id = heapq.heappop(self._later)
            if self._known.get(delivery_id) == due_ms:  # else moved sooner, already ready
                self._ready.put_nowait(delivery_id)

    def waits_for_later(self) -> bool:
        """Whether some id waits for its time (a retry), so that `release` has work."""
        return bool(self._later)

    async def nap(self, seconds: float) -> None:
        """Sleep `seconds`, or less if an id is added for later meanwhile."""
        self._later_added.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._later_added.wait(), seconds)

    async def take(self) -> tuple[str, str | None]:
        """The next ready id, with its rendered message if the mailer handed it over."""
        while True:
            delivery_id = await self._ready.get()
            if self._known.pop(delivery_id, None) is not None:
                return delivery_id, self._bodies.pop(delivery_id, None)

    def held(self, delivery_id: str) -> tuple[Delivery, Hold] | None:
        """The mail as queued under this replica's hold, if it was (asked once, when taken)."""
        return self._held.pop(delivery_id, None)


async def watch(due: DueMails, deliveries: Deliveries, options: NotifySettings) -> None:
    """Release due retries every `poll_seconds` while some wait; sweep the log every
    `sweep_seconds`. With no retry waiting it sleeps until the next sweep (or until a retry
    is added): an idle replica wakes once a sweep, not twice a second.

    The first sweep runs at once, so a restarted replica takes up what it left."""
    next_sweep = 0.0
    while True:
        if time.monotonic() >= next_sweep:
            try:
                await sweep(due, deliveries)
            except Exception as error:  # MongoDB away: the next sweep will do
                log.warning("delivery sweep failed", extra={"error": type(error).__name__})
            next_sweep = time.monotonic() + options.sweep_seconds
        due.release()
        await due.nap(options.poll_seconds if due.waits_for_later()
                      else max(0.0, next_sweep - time.monotonic()))


async def sweep(due: DueMails, deliveries: Deliveries) -> None:
    """Note every unfinished mail of the log at the time it is due."""
    for delivery_id, due_ms in await deliveries.unfinished(SWEEP_LIMIT):
        due.add(delivery_id, due_ms)  # a mail being sent is due when its sender's lease ends
