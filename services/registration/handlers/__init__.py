"""Use cases: load, decide with the domain, save state and events in one write, wake the relay.

Each module is one use case or one step several share; they call each other as a tree, never
back up it. At the top, what entrypoints call: `sessions`, `registrations`, `approvals`,
`confirmation`, `attendance`, `reading`, and the sweeper's `recovery` (which runs `expiry`).
Below them the steps: `placing` (the seat ledger, and recording a registration's place),
`session_cancelled`, `admission`, `already_registered`, `tokens`.

Handlers take the time as `now` (the clock is the caller's: entrypoints and the sweeper read
`Deps.clock`), and refuse with `domain.errors.Refusal`, which entrypoints turn into replies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.registration.domain.errors import no_registration, no_session
from services.registration.handlers.storage import Storage
from shared.clock import Clock, utc_now
from shared.db import Document
from shared.tokens import Signer


@dataclass(frozen=True)
class Deps:
    """What handlers use; bootstrap builds it, tests may pass other ones."""

    store: Storage
    signer: Signer
    kick: Callable[..., None]
    """Wake the outbox relay after writing events (optionally naming the collection and the
    document that got them, and the events when they were its first: `OutboxRelay.kick`)."""
    clock: Clock = utc_now

    def kick_registration(self, registration_id: str,
                          first_events: Sequence[Document] | None = None) -> None:
        """Wake the relay for the events just written on one registration (`first_events`:
        they were its first, so the relay may publish them as given)."""
        self.kick(*self.store.outbox_of(registration_id), first_events)


async def session_of(deps: Deps, session_id: str) -> Document:
    """The session, without its pending events; refused if there is none."""
    session = await deps.store.session(session_id)
    if session is None:
        raise no_session(session_id)
    return session


async def registration_of(deps: Deps, registration_id: str) -> Document:
    """The registration; refused if there is none."""
    registration = await deps.store.registration(registration_id)
    if registration is None:
        raise no_registration(registration_id)
    return registration
