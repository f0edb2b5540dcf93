"""What the numbers service answers (`rpc.numbers.*`): the public figures of the network,
and the baselines the secretariat records (the totals reached before this system).

Counts of people are unique participants (by a keyed hash of their address); a cell counting
fewer people than `suppressed_below` is null, so no small group can be singled out. Counts
of sessions and publications are never suppressed: they are not people.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from shared.contracts.rpc import Request

LICENCE = "CC-BY-4.0"
"""SPDX identifier of the open-data licence the figures are published under."""
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

BaselineFigure = Literal[
    "sessions_held", "publications", "participants", "countries", "exchanges",
    "conferences", "workshops", "e_courses", "trained_public_servants",
    "technical_assistances", "scholarships",
]
"""What a baseline counts. The first three are added to the live figure of the same name
(`combined`); the rest have no live counterpart (or, for countries, cannot be added: the
same country is counted in both) and are shown apart."""

Counts = dict[str, int]
PeopleCounts = dict[str, int | None]


class GetNumbers(Request):
    """The network in numbers, as of now."""


class SessionFigures(BaseModel):
    held: int = Field(description="Published sessions that have ended (cancelled ones never).")
    by_year: Counts
    by_format: Counts
    by_topic: Counts = Field(description="A session counts under each of its topics.")
    by_region: Counts = Field(description="A session counts under the region of each country "
                              "it concerns; `unknown` when it names none.")


class ParticipantFigures(BaseModel):
    unique: int = Field(description="Different people (by address) with a place in a session "
                        "held; no-shows and cancelled places do not count.")
    countries: int
    by_country: PeopleCounts
    by_region: PeopleCounts
    by_sector: PeopleCounts
    by_gender: PeopleCounts


class PublicationFigures(BaseModel):
    published: int
    by_type: Counts
    by_language: Counts = Field(description="A document counts under each language it can "
                                "be read in.")
    by_year: Counts


class TranslationFigures(BaseModel):
    published_documents: int
    covered: int = Field(description="Published documents with an original or reviewed "
                         "version in both Spanish and English.")
    coverage: float = Field(description="`covered / published_documents` (0 when none).")
    jobs_completed: int
    by_target_language: Counts


class Baseline(BaseModel):
    """A total the network reached before this system, as a source reports it."""

    id: str
    figure: BaselineFigure
    value: int
    source: str
    as_of: date
    note: str | None = None
    recorded_at: datetime
    recorded_by: str | None = Field(None, description="API key id or staff account.")


class Combined(BaseModel):
    """A live figure with the baselines of the same figure added."""

    live: int
    baseline: int
    total: int


class Numbers(BaseModel):
    """The network in numbers."""

    licence: str = LICENCE
    licence_url: str = LICENCE_URL
    generated_at: datetime
    suppressed_below: int
    sessions: SessionFigures
    participants: ParticipantFigures
    publications: PublicationFigures
    translations: TranslationFigures
    baselines: list[Baseline] = Field(description="Shown apart from the live figures.")
    combined: dict[str, Combined] = Field(description="Live + baseline where adding is "
                                          "meaningful: sessions_held, publications, "
                                          "participants.")


class RecordBaseline(Request):
    """Record a total reached before this system, with its source and date."""

    figure: BaselineFigure
    value: int = Field(ge=0, le=10_000_000)
    source: str = Field(min_length=1, max_length=500)
    as_of: date
    note: str | None = Field(None, max_length=1_000)
    actor: str | None = Field(None, max_length=100)


class ListBaselines(Request):
    """Every recorded baseline, oldest first."""


class DeleteBaseline(Request):
    baseline_id: str = Field(min_length=1, max_length=64)
    actor: str | None = Field(None, max_length=100)


class BaselineList(BaseModel):
    items: list[Baseline]
