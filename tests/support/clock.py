"""One clock for tests that move time by hand: services and handlers take a clock (a callable
returning the time), and a test passes this one to reach a lease's end, a due date or a
reminder without waiting for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class MovableClock:
    """Still at `now` (by default the present, to the whole second) until `advance` moves it.

    Whole seconds by default: MongoDB keeps milliseconds, so a time read back from the store
    equals the one that was written.
    """

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now if now is not None else datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by `delta`."""
        self.now += delta
