"""The figures of the network, computed from the facts at the moment they are asked for.

People are counted once per cell however many sessions they took part in (a person from
Chile in three sessions is one person in Chile's cell), and a cell of fewer than
`SUPPRESS_BELOW` people is suppressed. Sessions and publications are not people: their
cells are never suppressed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from services.numbers.domain.facts import DocumentFact, PlaceFact, SessionFact, TranslationFact
from services.numbers.domain.rules import (
    SUPPRESS_BELOW,
    UNKNOWN,
    document_is_covered,
    or_unknown,
    session_was_held,
    suppress_small,
)
from shared.contracts.numbers.rpc import (
    Baseline,
    Combined,
    Numbers,
    ParticipantFigures,
    PublicationFigures,
    SessionFigures,
    TranslationFigures,
)

RegionOf = Callable[[str], str | None]
ADDITIVE = ("sessions_held", "publications", "participants")
"""Baseline figures added to the live figure of the same name; other baselines stand apart."""


def held_sessions(sessions: Iterable[SessionFact], now: datetime) -> list[SessionFact]:
    """The sessions that took place by `now`."""
    return [session for session in sessions if session_was_held(session, now)]


def session_figures(held: Sequence[SessionFact], region_of: RegionOf) -> SessionFigures:
    """Sessions held, by year, format, topic and region."""
    def regions(session: SessionFact) -> set[str]:
        return set(or_unknown(region_of(country) for country in session.countries))

    return SessionFigures(
        held=len(held),
        by_year=dict(sorted(Counter(str(s.starts_at.year) for s in held).items())),
        by_format=dict(sorted(Counter(s.format for s in held).items())),
        by_topic=dict(sorted(Counter(t for s in held for t in s.topics).items())),
        by_region=dict(sorted(Counter(r for s in held for r in regions(s)).items())))


def participant_figures(places: Iterable[PlaceFact], held: Sequence[SessionFact],
                        region_of: RegionOf) -> ParticipantFigures:
    """Unique people who took part in the sessions held, by country, region, sector, gender."""
    held_ids = {session.session_id for session in held}
    taking_part = [p for p in places if p.takes_part and p.session_id in held_ids]
    cells: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for place in taking_part:
        for dimension, value in (("country", place.country),
                                 ("region", region_of(place.country)),
                                 ("sector", place.sector), ("gender", place.gender)):
            cells[dimension][value or UNKNOWN].add(place.person)

    def counted(dimension: str) -> dict[str, int | None]:
        return suppress_small({cell: len(people) for cell, people in cells[dimension].items()})

    return ParticipantFigures(
        unique=len({place.person for place in taking_part}),
        countries=len({place.country for place in taking_part}),
        by_country=counted("country"), by_region=counted("region"),
        by_sector=counted("sector"), by_gender=counted("gender"))


def publication_figures(published: Sequence[DocumentFact]) -> PublicationFigures:
    """Published documents by type, language and year."""
    return PublicationFigures(
        published=len(published),
        by_type=dict(sorted(Counter(d.type for d in published).items())),
        by_language=dict(sorted(Counter(lang for d in published for lang in d.languages).items())),
        by_year=dict(sorted(Counter(str(d.year) for d in published).items())))


def translation_figures(published: Sequence[DocumentFact],
                        jobs: Sequence[TranslationFact]) -> TranslationFigures:
    """Coverage of the required languages, and the translation jobs completed."""
    covered = sum(1 for document in published if document_is_covered(document))
    return TranslationFigures(
        published_documents=len(published), covered=covered,
        coverage=round(covered / len(published), 4) if published else 0.0,
        jobs_completed=len(jobs),
        by_target_language=dict(sorted(Counter(j.target_language for j in jobs).items())))


def combined(live: dict[str, int], baselines: Sequence[Baseline]) -> dict[str, Combined]:
    """Each additive figure: live, the sum of its baselines, and both together."""
    added = {figure: sum(b.value for b in baselines if b.figure == figure) for figure in ADDITIVE}
    return {figure: Combined(live=live[figure], baseline=added[figure],
                             total=live[figure] + added[figure]) for figure in ADDITIVE}


def numbers(sessions: Iterable[SessionFact], places: Iterable[PlaceFact],
            documents: Iterable[DocumentFact], jobs: Sequence[TranslationFact],
            baselines: Sequence[Baseline], region_of: RegionOf, now: datetime) -> Numbers:
    """The whole view, as of `now`."""
    held = held_sessions(sessions, now)
    published = [document for document in documents if document.published]
    people = participant_figures(places, held, region_of)
    live = {"sessions_held": len(held), "publications": len(published),
            "participants": people.unique}
    return Numbers(
        generated_at=now, suppressed_below=SUPPRESS_BELOW,
        sessions=session_figures(held, region_of), participants=people,
        publications=publication_figures(published),
        translations=translation_figures(published, jobs),
        baselines=list(baselines), combined=combined(live, baselines))
