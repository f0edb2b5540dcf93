"""The rules of the network in numbers, as small named functions."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime

from services.numbers.domain.facts import DocumentFact, SessionFact

SUPPRESS_BELOW = 5
"""Cells counting fewer people than this are suppressed: the same small-cell rule as
registration's statistics (`/v1/stats/registration`); a unit test keeps the two equal."""
REQUIRED_LANGUAGES = ("es", "en")
"""A document is covered when both have an original or reviewed version."""
UNKNOWN = "unknown"
"""The cell of a fact that was not given (the same word registration's statistics use)."""
TAKING_PART = frozenset({"confirmed", "promoted", "attended", "certificate"})
"""What a participant event says of a place that counts: a seat held (confirmed, promoted)
or attendance recorded. A no-show, a cancelled, rejected, expired, waiting or pending
registration does not count."""


def person_key(secret: str, email: str) -> str:
    """A keyed hash of an address (HMAC-SHA256 with the deployment's token secret): the same
    address always gives the same key, and nobody without the secret can test an address
    against it. The address is normalised as registration dedupes it."""
    normalised = unicodedata.normalize("NFC", email.strip()).lower()
    return hmac.new(secret.encode(), b"numbers-person:" + normalised.encode(),
                    hashlib.sha256).hexdigest()


def place_counts(kind: str) -> bool:
    """Whether a participant event of this kind leaves a place that counts as taking part."""
    return kind in TAKING_PART


def session_was_held(session: SessionFact, now: datetime) -> bool:
    """Held: not cancelled, and over by `now`."""
    return not session.cancelled and session.ends_at < now


def document_is_covered(document: DocumentFact) -> bool:
    """Spanish and English both have an original or reviewed text of the current revision."""
    return all(lang in document.settled for lang in REQUIRED_LANGUAGES)


def suppress_small(counts: Mapping[str, int], below: int = SUPPRESS_BELOW
                   ) -> dict[str, int | None]:
    """Cells under `below` become None, so no small group can be singled out."""
    return {key: (value if value >= below else None) for key, value in sorted(counts.items())}


def or_unknown(values: Iterable[str | None]) -> list[str]:
    """The values given, or `unknown` for each one missing (and for none at all)."""
    named = [value or UNKNOWN for value in values]
    return named or [UNKNOWN]
