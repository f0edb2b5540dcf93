"""Ids sort by creation time, as strings, whatever their random part."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.ids import id_floor, new_id


def test_ids_sort_by_creation_time_and_the_floor_sorts_below_every_id_of_its_moment() -> None:
    moment = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    earlier = [new_id(moment - timedelta(milliseconds=1)) for _ in range(50)]
    now = [new_id(moment) for _ in range(50)]
    assert max(earlier) < id_floor(moment) < min(now)
    assert len(set(now)) == 50


def test_a_prefix_names_what_the_id_is() -> None:
    moment = datetime(2026, 12, 2, tzinfo=UTC)
    made = new_id(moment, "doc_")
    assert made.startswith(id_floor(moment, "doc_")) and len(made) == len("doc_") + 12 + 10
