"""Use cases of the numbers service: keep what each event says, answer the figures, and
record the secretariat's baselines. Each event handler turns its contract into a fact and
keeps it; the store keeps the newest (facts, not counters: see `store`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.numbers.domain import figures
from services.numbers.domain.errors import Refused
from services.numbers.domain.facts import DocumentFact, PlaceFact, SessionFact, TranslationFact
from services.numbers.domain.rules import REQUIRED_LANGUAGES, person_key, place_counts
from services.numbers.store import Store
from shared.clock import Clock
from shared.contracts.catalog.events import DocumentSnapshot, DocumentTranslated
from shared.contracts.numbers.rpc import Baseline, Numbers, RecordBaseline
from shared.contracts.registration.events import ParticipantEvent, SessionSnapshot
from shared.contracts.translate.events import JobCompleted
from shared.ids import new_id
from shared.reference import region_of


@dataclass(frozen=True)
class Deps:
    """What the handlers use: the store, the secret that keys people's hashes, the clock."""

    store: Store
    person_secret: str
    clock: Clock


async def when_session_is_described(deps: Deps, session: SessionSnapshot, cancelled: bool,
                                    at: datetime) -> None:
    """Published, changed, rescheduled or cancelled: keep the session as it now stands."""
    await deps.store.keep_session(SessionFact(
        session_id=session.session_id, format=session.format, topics=tuple(session.topics),
        countries=tuple(session.countries), starts_at=session.starts_at,
        ends_at=session.ends_at, cancelled=cancelled), at)


async def when_participant_changes(deps: Deps, kind: str, event: ParticipantEvent,
                                   at: datetime) -> None:
    """A registration moved: keep who (hashed), from where, and whether it counts now."""
    who = event.participant
    await deps.store.keep_place(PlaceFact(
        registration_id=event.registration_id, session_id=event.session.session_id,
        person=person_key(deps.person_secret, who.email), country=who.country,
        sector=who.sector, gender=who.gender, takes_part=place_counts(kind)), at)


async def when_document_is_published(deps: Deps, document: DocumentSnapshot,
                                     at: datetime) -> None:
    """Published or revised: the document's type, languages and settled languages."""
    settled = tuple(lang for lang in REQUIRED_LANGUAGES
                    if lang not in document.missing_languages)
    fact = DocumentFact(document_id=document.document_id, revision=document.revision,
                        type=document.type, languages=tuple(document.available_languages),
                        settled=settled, year=0, published=True)
    year = document.published_on.year if document.published_on else None
    await deps.store.keep_document(fact, year, at)


async def when_document_is_withdrawn(deps: Deps, document_id: str, at: datetime) -> None:
    """A withdrawn document no longer counts."""
    await deps.store.withdraw_document(document_id, at)


async def when_document_is_translated(deps: Deps, event: DocumentTranslated) -> None:
    """A reviewed required language of the current revision covers it."""
    if event.status == "reviewed" and event.language in REQUIRED_LANGUAGES:
        await deps.store.settle_language(event.document_id, event.revision, event.language)


async def when_translation_is_completed(deps: Deps, event: JobCompleted) -> None:
    """One more completed job (once per job)."""
    await deps.store.keep_translation(TranslationFact(
        job_id=event.job.job_id, target_language=event.job.target_language))


async def the_numbers(deps: Deps) -> Numbers:
    """The whole view, as of now."""
    store = deps.store
    return figures.numbers(
        await store.sessions(), await store.places_taking_part(), await store.documents(),
        await store.translations(), await store.baselines(), region_of, deps.clock())


async def record_baseline(deps: Deps, request: RecordBaseline) -> Baseline:
    """Record a total reached before this system."""
    now = deps.clock()
    baseline = Baseline(id=new_id(now, "bl_"), figure=request.figure, value=request.value,
                        source=request.source, as_of=request.as_of, note=request.note,
                        recorded_at=now, recorded_by=request.actor)
    await deps.store.add_baseline(baseline)
    return baseline


async def delete_baseline(deps: Deps, baseline_id: str) -> list[Baseline]:
    """Remove a baseline recorded by mistake; what remains."""
    if not await deps.store.remove_baseline(baseline_id):
        raise Refused("not_found", "No baseline has this id.")
    return await deps.store.baselines()
