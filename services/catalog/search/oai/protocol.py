"""OAI-PMH requests checked against the protocol, without I/O: verbs, arguments, dates, tokens."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import Final, Literal

ErrorCode = Literal["badArgument", "badVerb", "badResumptionToken", "cannotDisseminateFormat",
                    "idDoesNotExist", "noRecordsMatch", "noSetHierarchy",
                    "noMetadataFormats"]
REPOSITORY_ID: Final = "ingp.oas.org"
METADATA_PREFIX: Final = "oai_dc"
ARGUMENTS: Final[dict[str, tuple[set[str], set[str]]]] = {
    # verb: (required, optional) besides an exclusive resumptionToken where allowed
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
RESUMABLE: Final = {"ListSets", "ListIdentifiers", "ListRecords"}
NOT_XML: Final = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character outside XML 1.0's `Char`: most C0 controls, surrogates, U+FFFE and U+FFFF."""


class OaiError(Exception):
    """An OAI-PMH error condition: answered as `<error code=...>` with HTTP 200."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message


@dataclass(frozen=True)
class Selection:
    """What a list request selects, and where its next page starts."""

    metadata_prefix: str
    set_spec: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_id: str | None = None
    cursor: int = 0


def checked_arguments(arguments: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, or OaiError(badVerb/badArgument)."""
    verbs = [value for name, value in arguments if name == "verb"]
    if len(verbs) != 1 or verbs[0] not in ARGUMENTS:
        raise OaiError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    given: dict[str, str] = {}
    for name, value in arguments:
        if name == "verb":
            continue
        if NOT_XML.search(name) or NOT_XML.search(value):
            # The answer echoes arguments; XML cannot carry these, so none of them is valid.
            raise OaiError("badArgument", "An argument holds a character XML cannot carry, "
                                          "such as a control character.")
        if name in given:
            raise OaiError("badArgument", f"The argument {name!r} is repeated.")
        given[name] = value
    required, optional = ARGUMENTS[verb]
    if "resumptionToken" in given and verb in RESUMABLE:
        if len(given) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        return verb, given
    unknown = set(given) - required - optional
    if unknown:
        raise OaiError("badArgument", f"Illegal arguments for {verb}: {sorted(unknown)}.")
    if missing := required - set(given):
        raise OaiError("badArgument", f"Missing arguments for {verb}: {sorted(missing)}.")
    return verb, given


def selection_of(given: dict[str, str]) -> Selection:
    """The selection of a fresh list request or of a resumption token."""
    if "resumptionToken" in given:
        return decode_token(given["resumptionToken"])
    since, until = given.get("from"), given.get("until")
    if since and until and len(since) != len(until):
        raise OaiError("badArgument", "from and until must have the same granularity.")
    selection = Selection(metadata_prefix=given["metadataPrefix"], set_spec=given.get("set"),
                          since=parse_datestamp(since, end=False) if since else None,
                          until=parse_datestamp(until, end=True) if until else None)
    if selection.since and selection.until and selection.since > selection.until:
        raise OaiError("badArgument", "from is later than until.")
    return selection


def parse_datestamp(text: str, *, end: bool) -> datetime:
    """`YYYY-MM-DD` (a whole day) or `YYYY-MM-DDThh:mm:ssZ`, in UTC."""
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").date()
            moment = datetime.combine(day, time(), tzinfo=UTC)
            return moment + timedelta(days=1, microseconds=-1) if end else moment
        if len(text) == 20:
            return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        pass
    raise OaiError("badArgument", f"{text!r} is not a datestamp (YYYY-MM-DD[Thh:mm:ssZ]).")


def datestamp(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode_token(selection: Selection, after_id: str, cursor: int) -> str:
    following = replace(selection, after_id=after_id, cursor=cursor)
    payload = {"p": following.metadata_prefix, "s": following.set_spec,
               "f": following.since.isoformat() if following.since else None,
               "u": following.until.isoformat() if following.until else None,
               "a": following.after_id, "c": following.cursor}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> Selection:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        return Selection(
            metadata_prefix=str(payload["p"]), set_spec=_optional(payload["s"]),
            since=_moment(payload["f"]), until=_moment(payload["u"]),
            after_id=str(payload["a"]), cursor=int(payload["c"]))
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError):
        raise OaiError("badResumptionToken", "The resumption token is not valid.") from None


def identifier_of(document_id: str) -> str:
    return f"oai:{REPOSITORY_ID}:{document_id}"


def document_id_of(identifier: str) -> str:
    prefix = f"oai:{REPOSITORY_ID}:"
    if not identifier.startswith(prefix) or len(identifier) == len(prefix):
        raise OaiError("idDoesNotExist", "This repository has no item with that identifier.")
    return identifier[len(prefix):]


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


def _moment(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))
