"""Everything notify keeps in MongoDB, and the only code that knows how: collections, queries,
indexes and the stand-in's quirks (see `times`). One module per group of collections:

- `deliveries`: the delivery log and the rendered messages (`delivery_records`: how a
  `Delivery` is stored);
- `audience`: who takes part in each session;
- `reminders`: each session's planned reminders;
- `subscriptions`: subscribers to repository news;
- `news`: document titles, digest items and digest periods;
- `sessions`: each session as the newest event described it;
- `materials`: each session's materials and its one materials mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from services.notify.store import (
    audience,
    deliveries,
    materials,
    news,
    reminders,
    sessions,
    subscriptions,
)
from services.notify.store.audience import Audience
from services.notify.store.deliveries import DELIVERIES, Deliveries
from services.notify.store.materials import Materials
from services.notify.store.news import News
from services.notify.store.reminders import Reminders
from services.notify.store.sessions import Sessions
from services.notify.store.subscriptions import Subscriptions
from services.notify.store.times import from_ms, ms
from shared.db import Document, IndexSpec

__all__ = ["DELIVERIES", "INDEXES", "OUTBOX_COLLECTIONS", "Deliveries", "Store", "from_ms", "ms"]

INDEXES: list[IndexSpec] = [*deliveries.INDEXES, *audience.INDEXES, *reminders.INDEXES,
                            *subscriptions.INDEXES, *news.INDEXES, *sessions.INDEXES,
                            *materials.INDEXES]
OUTBOX_COLLECTIONS = (DELIVERIES,)
"""Collections whose documents carry events to publish (`shared.outbox`)."""


@dataclass(frozen=True)
class Store:
    """Notify's database, by group of collections."""

    deliveries: Deliveries
    audience: Audience
    reminders: Reminders
    subscriptions: Subscriptions
    news: News
    sessions: Sessions
    materials: Materials

    @classmethod
    def on(cls, db: AsyncDatabase[Document]) -> Store:
        """The store over notify's database."""
        return cls(Deliveries(db), Audience(db), Reminders(db), Subscriptions(db), News(db),
                   Sessions(db), Materials(db))
