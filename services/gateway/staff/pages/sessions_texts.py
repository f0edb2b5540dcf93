"""What the secretariat types to reach people, read as the contracts want it: a message to a
session's registrants (`MessageDraft`) and the people to invite (`Invitee`, one a line).

Pure functions with small tests; the pages are in `sessions_mail`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, get_args

from pydantic import ValidationError

from shared.contracts.registration.desk import Invitee
from shared.contracts.registration.messages import MessageDraft, MessageStatus
from shared.reference import LanguageCode

LANGS: Final = get_args(LanguageCode)
STATUSES: Final = get_args(MessageStatus)
MAX_INVITEES: Final = 500
_PERSON = re.compile(r"^(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>$")


def N_(message: str) -> str:
    """Mark a message for extraction; the template translates it."""
    return message


MESSAGE_ERRORS: Final[dict[str, str]] = {
    **{f"subject_{lang}": N_("Enter a subject of one line, up to 200 characters.")
       for lang in LANGS},
    **{f"body_{lang}": N_("Enter the message, up to 10,000 characters.") for lang in LANGS},
    "statuses": N_("Choose whom to write to."),
    "key": N_("This form could not be sent as it was: check it and send it again."),
}

NOBODY: Final = N_("Enter at least one person and at most 500, one a line.")
WRONG_LINES: Final = N_("Write each person as Name <address>: line(s) %(lines)s are not.")


def message_values(form: Mapping[str, Any], statuses: list[str]) -> dict[str, Any]:
    """The message form as typed, to send or to show again."""
    values: dict[str, Any] = {f"{part}_{lang}": str(form.get(f"{part}_{lang}", "")).strip()
                              for part in ("subject", "body") for lang in LANGS}
    values["statuses"] = [s for s in statuses if s in STATUSES]
    return values


def draft_of(values: Mapping[str, Any]) -> tuple[MessageDraft | None, dict[str, str]]:
    """The message to send, or the problems to show beside each input (es and en needed)."""
    body = {part: {lang: values[f"{part}_{lang}"] for lang in LANGS
                   if values[f"{part}_{lang}"] or lang in ("es", "en")}
            for part in ("subject", "body")}
    try:
        return MessageDraft.model_validate({**body, "statuses": values["statuses"]}), {}
    except ValidationError as invalid:
        named = {"_".join(str(p) for p in e["loc"][:2]) for e in invalid.errors()}
        return None, {name: text for name, text in MESSAGE_ERRORS.items() if name in named}


def invitees_of(text: str, language: str | None) -> tuple[list[Invitee], list[int]]:
    """The people typed one a line as `Name <address>` (blank lines skipped), and the numbers
    of the lines that are not (counted from 1)."""
    people: list[Invitee] = []
    wrong: list[int] = []
    chosen = language if language in LANGS else None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = _PERSON.match(line.strip())
        try:
            if found is None:
                raise ValueError(line)
            people.append(Invitee.model_validate(
                {"name": found["name"], "email": found["email"], "language": chosen}))
        except (ValueError, ValidationError):
            wrong.append(number)
    return people, wrong
