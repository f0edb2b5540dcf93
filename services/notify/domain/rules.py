"""Small named rules: language choice, reminder timing, SMTP outcomes, retry pacing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Literal

from shared.reference import LanguageCode

FALLBACK: tuple[LanguageCode, ...] = ("es", "en")


def choose_language(
    preferred: LanguageCode | None, session_languages: Sequence[LanguageCode],
    available: Iterable[LanguageCode],
) -> LanguageCode:
    """Preferred language, then the session's languages, then es, then en."""
    have = set(available)
    for candidate in (preferred, *session_languages, *FALLBACK):
        if candidate is not None and candidate in have:
            return candidate
    return "en"


def pick_text(texts: dict[LanguageCode, str], language: LanguageCode,
              session_languages: Sequence[LanguageCode] = ()) -> str:
    """A text in `language`, else the session's languages, then es, en, then any there is."""
    for candidate in (language, *session_languages, *FALLBACK):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()), "")


def reminder_due(starts_at: datetime, offset_minutes: int) -> datetime:
    """When the reminder `offset_minutes` before the start is due."""
    return starts_at - timedelta(minutes=offset_minutes)


def reminder_still_useful(now: datetime, starts_at: datetime) -> bool:
    """A late reminder (the service was down) goes out only before the session starts."""
    return now < starts_at


SmtpOutcome = Literal["temporary", "permanent"]


def smtp_outcome(code: int | None) -> SmtpOutcome:
    """5xx is permanent; 4xx and no code at all (connection trouble) are temporary."""
    return "permanent" if code is not None and 500 <= code < 600 else "temporary"


def retry_delay(attempts: int, base_seconds: float) -> timedelta:
    """Back-off after `attempts` failed tries: base, 2x, 4x ... capped at an hour."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), 3600.0))


def may_retry(attempts: int, max_attempts: int) -> bool:
    """Whether a temporarily failed mail gets another try."""
    return attempts < max_attempts


def digest_period(frequency: str, now: datetime) -> tuple[str, datetime]:
    """The digest due at `now`: its name and the cut-off (news before it belongs to it).

    Daily digests cut at 00:00 UTC, weekly ones at Monday 00:00 UTC.
    """
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == "weekly":
        monday = midnight - timedelta(days=midnight.weekday())
        return f"weekly-{monday:%Y-%m-%d}", monday
    return f"daily-{midnight:%Y-%m-%d}", midnight
