"""Lookups over the reference data and its JSON form for ``GET /v1/reference``."""

from collections.abc import Iterable, Mapping
from typing import Final, TypedDict

from shared.reference.formats import DOCUMENT_TYPES, SESSION_FORMATS
from shared.reference.member_states import MEMBER_STATES
from shared.reference.models import Coded, Labels, MemberState
from shared.reference.topics import TOPICS
from shared.reference.types import RegionCode, Vocabulary
from shared.reference.vocabularies import (
    LANGUAGES,
    REGIONS,
    REQUIRED_LANGUAGES,
    SECTORS,
)


class LabelsDict(TypedDict):
    es: str
    en: str
    pt: str
    fr: str


class CodedDict(TypedDict):
    code: str
    labels: LabelsDict


class MemberStateDict(TypedDict):
    iso2: str
    name: LabelsDict
    agency: str
    region: str


class ReferenceDict(TypedDict):
    languages: list[CodedDict]
    required_languages: list[str]
    regions: list[CodedDict]
    member_states: list[MemberStateDict]
    topics: list[CodedDict]
    session_formats: list[CodedDict]
    document_types: list[CodedDict]
    sectors: list[CodedDict]


_STATES_BY_ISO2: Final[Mapping[str, MemberState]] = {
    state.iso2: state for state in MEMBER_STATES
}


def _index(entries: Iterable[Coded[str]]) -> dict[str, Labels]:
    return {entry.code: entry.labels for entry in entries}


_VOCABULARIES: Final[Mapping[str, Mapping[str, Labels]]] = {
    "languages": _index(LANGUAGES),
    "regions": _index(REGIONS),
    "topics": _index(TOPICS),
    "session_formats": _index(SESSION_FORMATS),
    "document_types": _index(DOCUMENT_TYPES),
    "sectors": _index(SECTORS),
    "member_states": {state.iso2: state.name for state in MEMBER_STATES},
}


def member_state(iso2: str) -> MemberState | None:
    """Return the INGP member state with this ISO alpha-2 code, if any.

    The code is matched case-insensitively and surrounding blanks are ignored,
    since it usually comes straight from a registration form.
    """
    return _STATES_BY_ISO2.get(iso2.strip().upper())


def is_member_state(iso2: str) -> bool:
    """Tell whether ``iso2`` (case-insensitive) is an INGP member state."""
    return member_state(iso2) is not None


def region_of(iso2: str) -> RegionCode | None:
    """Return the INGP region code of a member state, or None for non-members."""
    state = member_state(iso2)
    return state.region if state is not None else None


def label(vocabulary: Vocabulary | str, code: str, lang: str) -> str:
    """Return the label of ``code`` in ``vocabulary`` for language ``lang``.

    ``vocabulary`` is one of ``languages``, ``regions``, ``topics``,
    ``session_formats``, ``document_types``, ``sectors`` or ``member_states``
    (whose codes are ISO alpha-2 and matched case-insensitively). Vocabulary
    codes are matched exactly: they are identifiers, not user input.

    Raises KeyError for an unknown vocabulary, code or language.
    """
    try:
        entries = _VOCABULARIES[vocabulary]
    except KeyError:
        raise KeyError(f"unknown vocabulary: {vocabulary!r}") from None
    key = code.strip().upper() if vocabulary == "member_states" else code
    try:
        labels = entries[key]
    except KeyError:
        raise KeyError(f"unknown code in {vocabulary}: {code!r}") from None
    return labels.for_language(lang)


def _labels(labels: Labels) -> LabelsDict:
    return {"es": labels.es, "en": labels.en, "pt": labels.pt, "fr": labels.fr}


def _coded(entries: Iterable[Coded[str]]) -> list[CodedDict]:
    return [{"code": e.code, "labels": _labels(e.labels)} for e in entries]


def as_dict() -> ReferenceDict:
    """Return all reference data as plain JSON-serialisable data.

    A fresh structure is built on each call so callers may mutate it freely.
    """
    return {
        "languages": _coded(LANGUAGES),
        "required_languages": list(REQUIRED_LANGUAGES),
        "regions": _coded(REGIONS),
        "member_states": [
            {
                "iso2": s.iso2,
                "name": _labels(s.name),
                "agency": s.agency,
                "region": s.region,
            }
            for s in MEMBER_STATES
        ],
        "topics": _coded(TOPICS),
        "session_formats": _coded(SESSION_FORMATS),
        "document_types": _coded(DOCUMENT_TYPES),
        "sectors": _coded(SECTORS),
    }
