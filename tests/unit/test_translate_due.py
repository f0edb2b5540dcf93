"""Due dates of session documents: pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.translate.domain.due import SessionTime, due_date, epoch_ms, session_due

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
MARGIN, LATEST, FALLBACK = timedelta(hours=24), timedelta(days=14), timedelta(days=3)


def starting(at: datetime, sequence: int = 0, cancelled: bool = False) -> SessionTime:
    return SessionTime("s-1", epoch_ms(at), sequence, cancelled)


def test_a_known_session_makes_its_documents_due_a_margin_before_it_starts() -> None:
    session = starting(NOW + timedelta(days=5))
    assert due_date(session, NOW, MARGIN, LATEST, FALLBACK) == NOW + timedelta(days=4)


def test_never_later_than_an_ordinary_document() -> None:
    session = starting(NOW + timedelta(days=60))
    assert session_due(session, NOW, MARGIN, LATEST) == NOW + LATEST


def test_unknown_or_cancelled_sessions_keep_the_fixed_fallback() -> None:
    assert due_date(None, NOW, MARGIN, LATEST, FALLBACK) == NOW + FALLBACK
    cancelled = starting(NOW + timedelta(days=5), cancelled=True)
    assert due_date(cancelled, NOW, MARGIN, LATEST, FALLBACK) == NOW + FALLBACK


def test_a_session_about_to_start_makes_the_job_overdue() -> None:
    session = starting(NOW + timedelta(hours=2))
    assert session_due(session, NOW, MARGIN, LATEST) < NOW


def test_later_sequences_win_and_a_cancellation_wins_at_its_sequence() -> None:
    published, moved = starting(NOW), starting(NOW, sequence=1)
    cancelled = starting(NOW, sequence=1, cancelled=True)
    assert published.order < moved.order < cancelled.order < starting(NOW, sequence=2).order


def test_naive_times_are_taken_as_utc_to_the_millisecond() -> None:
    naive = datetime(2026, 11, 22, 12, 0, 0, 123456)
    assert epoch_ms(naive) == epoch_ms(naive.replace(tzinfo=UTC))
    assert starting(naive.replace(tzinfo=UTC)).starts_at.microsecond == 123000
