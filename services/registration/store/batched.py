"""The registration writes of a burst, each kind as one command per round (group commit).

Inserting a registration and moving it out of `received` are one write each per request;
under a burst, those of concurrent requests in this process go out together through a
`WriteBatcher` (shared/write_batcher.py): one `insert` command with every new registration,
one `update` command with every statement of `advance`, each statement with its own filter
and its own outcome. Why each outcome is exactly what a single write would have said:

- Insert (`ordered=False`): MongoDB reports each failed document by its index, so a
  duplicate address (the unique index) is that document's answer only; the others went in.
- Update: MongoDB reports only how many statements matched. When fewer matched than were
  sent (rare: only the request that inserted a `received` registration moves it, and the
  sweeper), the documents are read by id right after: a statement whose document is gone, or
  still in a status it expected, did not apply, because its write sets a status it did not
  expect (`advance` batches only such statements). The one way back to a status is a
  person's click: confirming an address or approving sends a registration back to
  `received`, and both act on what such a write produced (its mail, the list of those
  pending), which cannot happen in the moment between the write and that read. Should
  another writer have moved one of them in the same instant, the ones showing another
  writer's values did not apply; two writers of the very same values (the sweeper and the
  request placing one registration alike) cannot be told apart, and either answer is right
  for them, as the document holds exactly what each would have written. A wrong "did not
  apply" would cost little anyway: its caller reads the registration as it is, and the
  relay's scan publishes its events.

Write concern errors, and any error of the command as a whole, reach every caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError, WriteError

from shared.db import Document

DUPLICATE_KEY = 11000
Outcome = bool | BaseException


@dataclass(frozen=True)
class Step:
    """One conditional status write: `update` if the registration is in `from_status`."""

    registration_id: str
    from_status: tuple[str, ...]
    update: dict[str, Any]

    def filter(self) -> Document:
        return {"_id": self.registration_id, "status": {"$in": list(self.from_status)}}


async def insert_each(collection: AsyncCollection[Document],
                      documents: list[Document]) -> list[Outcome]:
    """Insert the documents in one command; for each, whether it went in (False: a duplicate
    key, the address is registered already) or its own write error."""
    if len(documents) == 1:  # a lone write: the plain command
        try:
            await collection.insert_one(documents[0])
        except DuplicateKeyError:
            return [False]
        return [True]
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        if error.details.get("writeConcernErrors"):
            raise
        outcomes: list[Outcome] = [True] * len(documents)
        for failed in error.details.get("writeErrors", []):
            outcomes[failed["index"]] = _failure(failed, duplicate=False)
        return outcomes
    return [True] * len(documents)


async def advance_each(collection: AsyncCollection[Document],
                       steps: list[Step]) -> list[Outcome]:
    """Run the steps in one command; for each, whether it applied, or its own write error."""
    if len(steps) == 1:  # a lone write: the plain command
        [step] = steps
        return [(await collection.update_one(step.filter(), step.update)).matched_count == 1]
    outcomes: list[Outcome] = [True] * len(steps)
    try:
        matched = (await collection.bulk_write(
            [UpdateOne(step.filter(), step.update) for step in steps], ordered=False)
        ).matched_count
    except BulkWriteError as error:
        if error.details.get("writeConcernErrors"):
            raise
        for failed in error.details.get("writeErrors", []):
            outcomes[failed["index"]] = _failure(failed, duplicate=None)
        matched = int(error.details.get("nMatched", 0))
    sent = [i for i, outcome in enumerate(outcomes) if outcome is True]
    if matched < len(sent):
        for i in await _unmatched(collection, [steps[i] for i in sent], matched):
            outcomes[sent[i]] = False
    return outcomes


async def _unmatched(collection: AsyncCollection[Document], steps: Sequence[Step],
                     matched: int) -> list[int]:
    """Which of `steps` (of which `matched` applied) did not apply: see the module's
    docstring."""
    found = {document["_id"]: document async for document in collection.find(
        {"_id": {"$in": [step.registration_id for step in steps]}},
        {"outbox": 0}, batch_size=len(steps))}
    missed, moved = [], []
    for i, step in enumerate(steps):
        document = found.get(step.registration_id)
        if document is None or document.get("status") in step.from_status:
            missed.append(i)
        else:
            moved.append(i)
    if len(moved) > matched:  # moved by another writer meanwhile: not showing our values
        missed += [i for i in moved if not _shows(found[steps[i].registration_id], steps[i])]
    return missed


def _shows(document: Document, step: Step) -> bool:
    return all(document.get(name) == value for name, value in step.update["$set"].items())


def _failure(failed: Document, *, duplicate: bool | None) -> Outcome:
    """A document's own write error: `duplicate` for a duplicate key, if given, else the
    error a single write would have raised."""
    if failed.get("code") == DUPLICATE_KEY and duplicate is not None:
        return duplicate
    return WriteError(failed.get("errmsg", "write error"), failed.get("code"), failed)
