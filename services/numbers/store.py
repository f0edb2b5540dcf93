"""Everything the numbers service keeps in MongoDB, and the only code that knows how.

One record per fact (session, place, document, completed job), never a counter: `$inc` is
not idempotent, and a consumer may apply an event twice (a crash between applying it and
recording it in the inbox). Each record keeps the time of the event that last wrote it
(`as_of`, epoch microseconds) and an older event does not overwrite it: a conditional
upsert whose filter misses a newer record tries to insert and meets the unique `_id`
(nothing to do). Times are numbers, not datetimes: the embedded stand-in stores a datetime
written by `$set` as a string (see notify's `store/times.py`).
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.numbers.domain.facts import DocumentFact, PlaceFact, SessionFact, TranslationFact
from shared.contracts.numbers.rpc import Baseline
from shared.db import Document, IndexSpec

SESSIONS, PLACES, DOCUMENTS, TRANSLATIONS, BASELINES = (
    "sessions", "places", "documents", "translations", "baselines")
INDEXES: list[IndexSpec] = [IndexSpec(PLACES, (("takes_part", 1),))]


def stamp(moment: datetime) -> int:
    """Epoch microseconds, for event times that decide which change is newer."""
    return round(moment.timestamp() * 1_000_000)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _time(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


class Store:
    """The facts and the baselines."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.db = db

    async def _keep_newest(self, collection: str, key: str, fields: dict[str, Any],
                           as_of: datetime, **extra: Any) -> None:
        """Write `fields` unless an event newer than `as_of` already wrote this record."""
        # Concurrent upserts of one _id: the loser's duplicate key means a record exists,
        # newer or written at the same time; nothing left to do.
        with contextlib.suppress(DuplicateKeyError):
            await self.db[collection].update_one(
                {"_id": key, "as_of": {"$lte": stamp(as_of)}},
                {"$set": {**fields, "as_of": stamp(as_of)}, **extra}, upsert=True)

    async def keep_session(self, fact: SessionFact, as_of: datetime) -> None:
        """The session as this event describes it; a cancelled one stays cancelled."""
        fields = {**asdict(fact), "starts_at": _ms(fact.starts_at), "ends_at": _ms(fact.ends_at)}
        del fields["session_id"]
        if not fact.cancelled:  # an older snapshot redelivered after the cancellation
            del fields["cancelled"]
        await self._keep_newest(SESSIONS, fact.session_id, fields, as_of)

    async def keep_place(self, fact: PlaceFact, as_of: datetime) -> None:
        """The registration as this event leaves it."""
        fields = asdict(fact)
        del fields["registration_id"]
        await self._keep_newest(PLACES, fact.registration_id, fields, as_of)

    async def keep_document(self, fact: DocumentFact, published_year: int | None,
                            as_of: datetime) -> None:
        """A published or revised document; its year is the one it gives, else the year it
        was first seen published."""
        fields = {key: value for key, value in asdict(fact).items()
                  if key not in ("document_id", "year")}
        fields["published_year"] = published_year
        await self._keep_newest(DOCUMENTS, fact.document_id, fields, as_of,
                                **{"$min": {"first_seen": _ms(as_of)}})

    async def withdraw_document(self, document_id: str, as_of: datetime) -> None:
        """The document left the repository (unless a newer event published it again).

        A fetched batch is handled concurrently (shared.consumer), so the withdrawal may come
        before the publication it follows: it leaves a record (no `type`, so nothing counts
        it) whose time keeps that older publication from writing."""
        await self._keep_newest(DOCUMENTS, document_id, {"published": False}, as_of)

    async def settle_language(self, document_id: str, revision: int, language: str) -> None:
        """A reviewed version of this revision exists in `language`."""
        await self.db[DOCUMENTS].update_one({"_id": document_id, "revision": revision},
                                            {"$addToSet": {"settled": language}})

    async def keep_translation(self, fact: TranslationFact) -> None:
        """A completed job, once however often it is told."""
        with contextlib.suppress(DuplicateKeyError):  # told twice at once: one is kept
            await self.db[TRANSLATIONS].update_one(
                {"_id": fact.job_id}, {"$set": {"target_language": fact.target_language}},
                upsert=True)

    async def sessions(self) -> list[SessionFact]:
        """Every session known."""
        return [SessionFact(
            session_id=r["_id"], format=r["format"], topics=tuple(r["topics"]),
            countries=tuple(r["countries"]), starts_at=_time(r["starts_at"]),
            ends_at=_time(r["ends_at"]), cancelled=bool(r.get("cancelled")))
            async for r in self.db[SESSIONS].find({"format": {"$exists": True}})]

    async def places_taking_part(self) -> list[PlaceFact]:
        """Every registration that holds a place counting as taking part."""
        return [PlaceFact(registration_id=r["_id"], session_id=r["session_id"],
                          person=r["person"], country=r["country"], sector=r.get("sector"),
                          gender=r.get("gender"), takes_part=True)
                async for r in self.db[PLACES].find({"takes_part": True})]

    async def documents(self) -> list[DocumentFact]:
        """Every document known."""
        return [DocumentFact(
            document_id=r["_id"], revision=r["revision"], type=r["type"],
            languages=tuple(r["languages"]), settled=tuple(r["settled"]),
            year=r.get("published_year") or _time(r["first_seen"]).year,
            published=bool(r["published"]))
            async for r in self.db[DOCUMENTS].find({"type": {"$exists": True}})]

    async def translations(self) -> list[TranslationFact]:
        """Every completed job."""
        return [TranslationFact(job_id=r["_id"], target_language=r["target_language"])
                async for r in self.db[TRANSLATIONS].find({})]

    async def add_baseline(self, baseline: Baseline) -> None:
        """Record a baseline (its id is new)."""
        record = baseline.model_dump(mode="json", exclude={"id", "recorded_at"})
        await self.db[BASELINES].insert_one(
            {"_id": baseline.id, **record, "recorded_at": _ms(baseline.recorded_at)})

    async def remove_baseline(self, baseline_id: str) -> bool:
        """Remove a baseline; whether there was one."""
        return (await self.db[BASELINES].delete_one({"_id": baseline_id})).deleted_count == 1

    async def baselines(self) -> list[Baseline]:
        """Every baseline, in the order recorded."""
        records = await self.db[BASELINES].find({}).sort("recorded_at", 1).to_list()
        return [Baseline.model_validate({**r, "id": r["_id"],
                                         "recorded_at": _time(r["recorded_at"])})
                for r in records]
