"""The translate domain's rules, each with a small test (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.translate.domain import rules
from services.translate.domain.errors import Refused
from services.translate.domain.glossary import hits, ignored, seed_entries
from services.translate.domain.memory import fuzzy_suggestions, normalized
from services.translate.domain.model import Job
from services.translate.domain.segments import assemble, segment_texts, split_sentences
from services.translate.domain.stats import JobFacts, translation_stats
from shared.contracts.translate.rpc import JobStatus

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=30)


def job(status: str = "draft_ready", **changes: object) -> Job:
    base = Job(id="job_1", document_id="d", revision=1, source_language="es",
               target_language="en", rank="r", created_at=NOW,
               segments=segment_texts({"body": "Hola. Adiós."}))
    return base.model_copy(update={"status": status, **changes})


def test_sentences_split_and_reassemble_with_their_spacing() -> None:
    text = "Primera frase. ¿Segunda?\n\nTercera… Cuarta"
    assert [s for s, _ in split_sentences(text)] == [
        "Primera frase.", "¿Segunda?", "Tercera…", "Cuarta"]
    segments = [s.model_copy(update={"target": s.source}) for s in segment_texts({"b": text})]
    assert assemble(segments) == {"b": text}
    assert [s.id for s in segments] == ["b-1", "b-2", "b-3", "b-4"]


def test_a_claimed_job_is_not_claimable_by_another_until_the_lease_expires() -> None:
    claimed = rules.claim(job(), "alice", NOW, LEASE)
    with pytest.raises(Refused) as refusal:
        rules.claim(claimed, "bob", NOW + timedelta(minutes=29), LEASE)
    assert refusal.value.code == "conflict"
    later = NOW + LEASE + timedelta(seconds=1)
    assert rules.claim(claimed, "bob", later, LEASE).claimed_by == "bob"


def test_claiming_again_renews_the_lease() -> None:
    claimed = rules.claim(job(), "alice", NOW, LEASE)
    renewed = rules.claim(claimed, "alice", NOW + timedelta(minutes=10), LEASE)
    assert renewed.lease_until == NOW + timedelta(minutes=40)


def test_a_failed_job_is_taken_over_by_hand() -> None:
    taken = rules.claim(job("failed"), "alice", NOW, LEASE)
    assert (taken.status, taken.claimed_by, taken.history[-1].by) == (
        "draft_ready", "alice", "alice")


def test_drafts_need_a_live_lease_and_known_segments() -> None:
    claimed = rules.claim(job(), "alice", NOW, LEASE)
    with pytest.raises(Refused):
        rules.save_draft(claimed, "alice", NOW + LEASE, {"body-1": "Hi."})
    with pytest.raises(Refused) as refusal:
        rules.save_draft(claimed, "alice", NOW, {"nope": "x"})
    assert refusal.value.code == "invalid"
    saved = rules.save_draft(claimed, "alice", NOW, {"body-1": "Hi."})
    assert saved.segments[0].origin == "translator"


def test_submit_needs_every_target_and_records_the_translator() -> None:
    claimed = rules.claim(job(), "alice", NOW, LEASE)
    with pytest.raises(Refused):
        rules.submit(rules.save_draft(claimed, "alice", NOW, {"body-1": "Hi."}), "alice", NOW)
    done = rules.save_draft(claimed, "alice", NOW, {"body-1": "Hi.", "body-2": "Bye."})
    submitted = rules.submit(done, "alice", NOW)
    assert (submitted.status, submitted.translator) == ("in_review", "alice")
    assert submitted.history[-1].by == "alice"


def test_four_eyes_forbids_the_translator_to_review() -> None:
    review = job("in_review", translator="alice")
    with pytest.raises(Refused) as refusal:
        rules.approve(review, "alice", NOW, four_eyes=True)
    assert refusal.value.code == "forbidden"
    assert rules.approve(review, "alice", NOW, four_eyes=False).status == "approved"
    rejected = rules.reject(review, "bob", NOW, "terms", four_eyes=True)
    assert (rejected.status, rejected.reason, rejected.history[-1].reason) == (
        "rejected", "terms", "terms")


def test_only_queued_or_stalled_jobs_are_drafted() -> None:
    drafting = rules.start_drafting(job("queued"), NOW, LEASE)
    with pytest.raises(Refused):
        rules.start_drafting(drafting, NOW, LEASE)
    assert rules.start_drafting(drafting, NOW + LEASE * 2, LEASE).status == "drafting"


def test_urgency_rank_sorts_due_date_first_then_priority() -> None:
    soon, later = NOW, NOW + timedelta(days=1)
    ranks = [rules.urgency_rank(later, 9, "a"), rules.urgency_rank(soon, 0, "b"),
             rules.urgency_rank(soon, 5, "c"), rules.urgency_rank(None, 9, "d")]
    assert sorted(ranks) == [ranks[2], ranks[1], ranks[0], ranks[3]]


def test_job_ids_are_one_per_document_revision_and_language() -> None:
    assert rules.job_id_for("d", 1, "en") == rules.job_id_for("d", 1, "en")
    assert rules.job_id_for("d", 1, "en") != rules.job_id_for("d", 2, "en")


def test_glossary_hits_and_ignored_terms() -> None:
    found = hits("La Contratación Pública y la licitación.", "es", "en", seed_entries())
    assert {hit.target_term for hit in found} == {"public procurement", "tender"}
    missing = ignored("Public procurement and the bid.", found)
    assert [hit.target_term for hit in missing] == ["tender"]


def test_fuzzy_memory_offers_close_sentences_with_a_score() -> None:
    remembered = {normalized("La licitación fue abierta."): (
        "La licitación fue abierta.", "The tender was opened.")}
    close = fuzzy_suggestions("La licitación fue abierta ayer.", remembered)
    assert close and close[0].text == "The tender was opened." and close[0].score >= 75
    assert fuzzy_suggestions("Algo completamente distinto.", remembered) == []


def test_a_job_drafted_under_a_live_lease_is_tried_again_after_it() -> None:
    drafting = rules.start_drafting(job("queued"), NOW, LEASE)
    assert rules.drafting_retry_in(drafting, NOW) == LEASE.total_seconds() + 1.0
    assert rules.drafting_retry_in(drafting, NOW + LEASE * 2) == 1.0
    assert rules.drafting_retry_in(job("draft_ready"), NOW) is None
    assert rules.drafting_retry_in(None, NOW) is None


def test_a_draft_is_kept_only_under_the_lease_it_was_made_under() -> None:
    drafting = rules.start_drafting(job("queued"), NOW, LEASE)
    assert rules.is_drafting_under(drafting, drafting.lease_until)
    assert not rules.is_drafting_under(drafting, NOW)
    assert not rules.is_drafting_under(job("superseded"), drafting.lease_until)


def test_only_open_session_jobs_without_an_asked_due_date_follow_their_session() -> None:
    assert rules.due_follows_session(job(session_id="s"))
    assert not rules.due_follows_session(job())
    assert not rules.due_follows_session(job(session_id="s", due_requested=True))
    assert not rules.due_follows_session(job("delivered", session_id="s"))


def test_a_rescheduled_job_is_ranked_by_its_new_due_date() -> None:
    moved = rules.rescheduled(job(priority=5), NOW)
    assert (moved.due_at, moved.rank) == (NOW, rules.urgency_rank(NOW, 5, "job_1"))


def test_stats_count_open_jobs_per_pair_and_hours_to_delivery() -> None:
    def facts(status: JobStatus, hours: float | None, memory: int = 0) -> JobFacts:
        delivered = None if hours is None else NOW + timedelta(hours=hours)
        return JobFacts(status, "es", "en", NOW, delivered, 4, memory)
    figures = translation_stats([facts("queued", None), facts("superseded", None),
                                 facts("delivered", 2, 4), facts("delivered", 6)])
    assert [(p.source_language, p.target_language, p.open_jobs) for p in figures.backlog] == [
        ("es", "en", 1)]
    assert (figures.delivered_jobs, figures.median_hours_to_delivery) == (2, 4.0)
    assert (figures.segments, figures.memory_segments, figures.memory_reuse) == (16, 4, 0.25)
