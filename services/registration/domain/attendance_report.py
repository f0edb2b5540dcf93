"""The webinar platform's attendance report (CSV) read into lines of addresses and minutes.

Platforms write it differently: a byte order mark, `;` or `,` (or tabs), their own header
names in any case, sometimes a few lines about the meeting above the header, and one row per
join when someone left and came back. So: the header is the first row that names an address
column and a minutes column; rows of one address add up; blank rows are skipped. A row that
cannot be read is refused with its line number (never its address).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from services.registration.domain.errors import field_refusal
from services.registration.domain.rules import email_key

EMAIL_HEADERS = frozenset({
    "email", "e-mail", "email address", "e-mail address", "user email", "attendee email",
    "participant email", "correo", "correo electronico", "correo electrónico", "courriel",
    "e-mail do participante", "mail"})
MINUTES_HEADERS = frozenset({
    "minutes", "duration", "duration (minutes)", "duration (mins)", "duration (min)",
    "time in session (minutes)", "attendance duration", "total minutes", "minutes attended",
    "minutos", "duración (minutos)", "duracion (minutos)", "durée (minutes)", "duração (minutos)"})
HEADER_SEARCH_ROWS = 20
"""Rows above the header a report may have (a meeting summary)."""
MAX_MINUTES = 24 * 60
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
HOURS_MINUTES = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$")


@dataclass(frozen=True)
class ReportLine:
    """One address of the report, the line it first appeared on, and its minutes in all."""

    row: int
    email: str
    minutes: int


def header_name(cell: str) -> str:
    """A header cell as compared: trimmed, lower-case, inner spaces collapsed."""
    return " ".join(cell.strip().lower().split())


def delimiter_of(text: str) -> str:
    """The delimiter the report's first lines use most (`;`, `,` or a tab)."""
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    return max((";", ",", "\t"), key=sample.count)


def minutes_of(cell: str) -> int | None:
    """Minutes written as a number (decimals dropped), `h:mm[:ss]` or `1h 5m 30s`; None if
    it is none of these."""
    value = cell.strip().replace(",", ".")
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return int(float(value))
    if match := CLOCK.match(value):
        return int(match[1]) * 60 + int(match[2])
    match = HOURS_MINUTES.match(value.lower())
    if value and match and any(match.groups()):
        return int(match[1] or 0) * 60 + int(match[2] or 0)
    return None


def read_attendance_report(text: str) -> list[ReportLine]:
    """The report's addresses with their minutes, in the order first seen (capped at a day);
    refused (`invalid`, naming the row) if it has no header or a row cannot be read."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter_of(text)))
    header_at, email_at, minutes_at = _header(rows)
    lines: dict[str, ReportLine] = {}
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not any(cell.strip() for cell in row):
            continue
        email, minutes = _cells(number, row, email_at, minutes_at)
        first = lines.get(email_key(email))
        if first is None:
            first = ReportLine(number, email, 0)
        lines[email_key(email)] = ReportLine(first.row, first.email,
                                             min(first.minutes + minutes, MAX_MINUTES))
    return list(lines.values())


def _header(rows: list[list[str]]) -> tuple[int, int, int]:
    for at, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [header_name(cell) for cell in row]
        emails = [i for i, name in enumerate(names) if name in EMAIL_HEADERS]
        minutes = [i for i, name in enumerate(names) if name in MINUTES_HEADERS]
        if emails and minutes:
            return at, emails[0], minutes[0]
    raise field_refusal("rows.1", "No header names an e-mail column and a minutes column.",
                        "missing header")


def _cells(number: int, row: list[str], email_at: int, minutes_at: int) -> tuple[str, int]:
    email = row[email_at].strip() if email_at < len(row) else ""
    if "@" not in email:
        raise field_refusal(f"rows.{number}.email", f"Row {number} has no e-mail address.",
                            "no e-mail address")
    minutes = minutes_of(row[minutes_at]) if minutes_at < len(row) else None
    if minutes is None:
        raise field_refusal(f"rows.{number}.minutes", f"Row {number}: the minutes cannot be "
                            "read.", "not a number of minutes")
    return email, minutes
