"""Command handlers: load, decide with the domain rules, save state and events in one write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.registration.store import Store
from shared.tokens import Signer


@dataclass(frozen=True)
class Deps:
    """What handlers use; bootstrap builds it, tests may pass other ones."""

    store: Store
    signer: Signer
    kick: Callable[..., None]
    """Wake the outbox relay after writing events (optionally naming the collection and the
    document that got them, and the events when they were its first: `OutboxRelay.kick`)."""
