"""The outbox's pending marker: set by the write that adds entries, cleared only on an empty
outbox, in the order that keeps it set while any entry waits (see `shared.outbox`)."""

from __future__ import annotations

from pymongo import UpdateMany

from shared.outbox import (
    OUTBOX_FIELD,
    PENDING_FIELD,
    pending_query,
    push_to_outbox,
    removal,
    with_pending_marker,
)


def test_an_update_adding_entries_sets_the_marker_in_the_same_write() -> None:
    update = push_to_outbox({"$set": {"status": "published"}, "$min": {"low": 3}},
                            [{"id": "e-1"}])
    assert update["$set"] == {"status": "published"}
    assert update["$addToSet"] == {OUTBOX_FIELD: {"$each": [{"id": "e-1"}]}}
    assert update["$min"]["low"] == 3
    assert update["$min"][PENDING_FIELD] > 0  # `$min`: the earliest time stays


def test_an_update_adding_no_entry_leaves_the_marker_alone() -> None:
    assert "$min" not in push_to_outbox({"$set": {"version": 2}}, [])


def test_a_whole_document_is_marked_exactly_when_its_outbox_holds_entries() -> None:
    marked = with_pending_marker({"_id": "a", OUTBOX_FIELD: [{"id": "e-1"}]})
    assert marked[PENDING_FIELD] > 0
    kept = with_pending_marker({"_id": "a", OUTBOX_FIELD: [{"id": "e-1"}], PENDING_FIELD: 7})
    assert kept[PENDING_FIELD] == 7  # a replacement keeps the stored time
    assert PENDING_FIELD not in with_pending_marker({"_id": "a", OUTBOX_FIELD: []})
    assert PENDING_FIELD not in with_pending_marker(
        {"_id": "a", OUTBOX_FIELD: [], PENDING_FIELD: 7})


def test_the_relay_pulls_what_it_published_then_clears_the_marker_of_empty_outboxes() -> None:
    # Every document of the round is cleared, also one with nothing left to send (a crash
    # between a pull and its clear), and only if its outbox is empty at the moment of the clear.
    assert removal({"a": ["e-1", "e-2"], "b": [], "c": ["e-3"]}, ["e-1", "e-2", "e-3"]) == [
        UpdateMany({"_id": {"$in": ["a", "c"]}},
                   {"$pull": {OUTBOX_FIELD: {"id": {"$in": ["e-1", "e-2", "e-3"]}}}}),
        UpdateMany({"_id": {"$in": ["a", "b", "c"]}, OUTBOX_FIELD: {"$size": 0}},
                   {"$unset": {PENDING_FIELD: ""}})]


def test_nothing_published_clears_without_pulling() -> None:
    assert removal({"b": []}, []) == [
        UpdateMany({"_id": {"$in": ["b"]}, OUTBOX_FIELD: {"$size": 0}},
                   {"$unset": {PENDING_FIELD: ""}})]


def test_the_scan_asks_one_scalar_field() -> None:
    assert pending_query() == {PENDING_FIELD: {"$gt": 0}}
