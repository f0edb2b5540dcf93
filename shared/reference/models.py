"""Immutable value types for the reference data."""

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints

from shared.reference.types import RegionCode

# Stripping before the length check rejects whitespace-only labels too.
NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Iso2 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]

# Covariant because entries are frozen: a ``Coded[TopicCode]`` is a ``Coded[str]``.
CodeT_co = TypeVar("CodeT_co", bound=str, covariant=True)
CodeT = TypeVar("CodeT", bound=str)


class _Frozen(BaseModel):
    # Reference data is shared module state; mutation would leak across requests.
    model_config = ConfigDict(frozen=True, extra="forbid")


class Labels(_Frozen):
    """A text in each OAS official language."""

    es: NonEmptyStr
    en: NonEmptyStr
    pt: NonEmptyStr
    fr: NonEmptyStr

    def for_language(self, lang: str) -> str:
        """Return the label for ``lang`` (case-insensitive); KeyError if unknown."""
        key = lang.strip().lower()
        if key == "es":
            return self.es
        if key == "en":
            return self.en
        if key == "pt":
            return self.pt
        if key == "fr":
            return self.fr
        raise KeyError(f"unknown language: {lang!r}")


class Coded(_Frozen, Generic[CodeT_co]):
    """An entry of a controlled vocabulary: a stable code and its labels.

    Generic in the code type so that mypy checks every code written in the data
    modules against the matching ``Literal`` alias.
    """

    code: CodeT_co
    labels: Labels


class Region(Coded[RegionCode]):
    """One of the five INGP regions."""


class MemberState(_Frozen):
    """An INGP member state and its national procurement agency."""

    iso2: Iso2
    name: Labels
    # The source documents give agency names in English only.
    agency: NonEmptyStr
    region: RegionCode


def coded(
    kind: type[Coded[CodeT]], code: CodeT, *, es: str, en: str, pt: str, fr: str
) -> Coded[CodeT]:
    """Build a vocabulary entry; ``kind`` is the parametrised ``Coded`` class.

    Passing the parametrised class both validates ``code`` against the
    ``Literal`` at import time and lets mypy check it statically.
    """
    return kind(code=code, labels=Labels(es=es, en=en, pt=pt, fr=fr))
