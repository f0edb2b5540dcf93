"""Attendance certificates as data: who earns one, its code, the languages it speaks, and
what a corrected name changes. No I/O: the caller brings the time and the random bytes.

A certificate lives on its registration (`certificate`), and the codes it replaced after a
name correction in `superseded_codes`: those still verify as "superseded" but lead to no
name, so a code handed out once never starts to say something else about someone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.registration.domain import Document

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so a code read aloud or retyped is not mistaken."""
CODE_LENGTH = 10
CODE = re.compile(rf"[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}")
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
RANDOM_BYTES = 7
"""Enough randomness for a code: 56 bits, of which the code keeps 50."""


def certificate_code(random: bytes) -> str:
    """`7KQ2M-XH4TD`: ten base32 characters from `random`, grouped by five for reading."""
    number = int.from_bytes(random, "big")
    chars = [ALPHABET[(number >> (5 * i)) & 31] for i in range(CODE_LENGTH)]
    return "".join(chars[:5]) + "-" + "".join(chars[5:])


def normalized_code(typed: str) -> str | None:
    """The code someone typed, as stored (case, spaces, dashes and look-alike letters
    forgiven), or None if it cannot be one."""
    bare = re.sub(r"[\s-]", "", typed.upper()).translate(LOOKALIKES)
    if len(bare) != CODE_LENGTH:
        return None
    code = bare[:5] + "-" + bare[5:]
    return code if CODE.fullmatch(code) else None


def session_minutes(session: Mapping[str, Any]) -> float:
    """The session's length in minutes, as the threshold measures it."""
    return float((session["ends_at"] - session["starts_at"]).total_seconds() / 60)


def attendance_reaches_threshold(minutes: int | None, session: Mapping[str, Any]) -> bool:
    """Whether `minutes` of attendance are at least the session's `certificate_threshold`
    percent of its length (never when the session sets no threshold)."""
    threshold = session.get("certificate_threshold")
    if threshold is None or minutes is None:
        return False
    return bool(minutes * 100 >= threshold * session_minutes(session))


def earns_a_certificate(registration: Mapping[str, Any], session: Mapping[str, Any]) -> bool:
    """A confirmed participant who attended enough and has no certificate yet."""
    return (registration.get("status") == "confirmed"
            and registration.get("attendance") == "attended"
            and not registration.get("certificate")
            and not registration.get("anonymized")
            and attendance_reaches_threshold(registration.get("attendance_minutes"), session))


def certificate_languages(preferred: str) -> list[str]:
    """The participant's language and Spanish, the network's working language; English
    beside Spanish for a Spanish speaker."""
    return ["es", "en"] if preferred == "es" else [preferred, "es"]


def new_certificate(code: str, registration: Mapping[str, Any], now: datetime) -> Document:
    """The certificate a registration holds: what the PDF and the verification show."""
    return {"code": code, "name": registration["name"],
            "languages": certificate_languages(registration["preferred_language"]),
            "issued_at": now}


def renamed(registration: Mapping[str, Any], name: str, code: str | None,
            now: datetime) -> dict[str, Any]:
    """The changes of correcting a name: with a certificate, a new one under `code`, the
    old code kept only as superseded."""
    changes: dict[str, Any] = {"name": name}
    current = registration.get("certificate")
    if current and code is not None:
        changes["certificate"] = new_certificate(code, {**registration, "name": name}, now)
        changes["superseded_codes"] = [*registration.get("superseded_codes", []),
                                       current["code"]]
    return changes
