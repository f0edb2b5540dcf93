"""The rules behind the translators' editor: claiming before the draft, saving over a version,
the queue's due window, and the word diff a reviewer reads (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.translate.domain import rules
from services.translate.domain.drafts import prefilled, segment_change, word_diff
from services.translate.domain.errors import Refused
from services.translate.domain.model import Job
from services.translate.domain.segments import segment_texts
from shared.contracts.translate.rpc import DiffOp, ListJobs, SaveDraft, Suggestion

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=30)


def job(status: str = "queued", **changes: object) -> Job:
    base = Job(id="job_1", document_id="d", revision=1, source_language="es",
               target_language="en", rank="r", created_at=NOW,
               segments=segment_texts({"body": "Hola. Adiós."}))
    return base.model_copy(update={"status": status, **changes})


def test_a_queued_job_is_claimed_at_once_with_its_prepared_segments() -> None:
    queued = job()
    prepared = [prefilled(queued.segments[0], "Hello.", "memory"), queued.segments[1]]
    claimed = rules.claim(queued, "alice", NOW, LEASE, prepared)
    assert (claimed.status, claimed.claimed_by, claimed.lease_until) == (
        "draft_ready", "alice", NOW + LEASE)
    assert claimed.history[-1].reason == "claimed before its machine draft"
    assert [s.target for s in claimed.segments] == ["Hello.", None]
    assert claimed.machine is False


def test_a_job_claimed_while_drafted_drops_the_drafters_lease_and_later_draft() -> None:
    drafting = rules.start_drafting(job(), NOW, LEASE)
    claimed = rules.claim(drafting, "alice", NOW + timedelta(seconds=5), LEASE)
    assert claimed.lease_until == NOW + timedelta(seconds=5) + LEASE  # the translator's now
    # The drafter, finishing, finds the job out of its hands: its draft is not written.
    assert not rules.is_drafting_under(claimed, drafting.lease_until)
    # A redelivered queued-job message leaves the claimed job alone.
    with pytest.raises(Refused):
        rules.start_drafting(claimed, NOW + LEASE * 3, LEASE)
    assert rules.drafting_retry_in(claimed, NOW) is None


def test_another_translators_claim_still_refuses() -> None:
    claimed = rules.claim(job(), "alice", NOW, LEASE)
    with pytest.raises(Refused) as refused:
        rules.claim(claimed, "bob", NOW, LEASE)
    assert refused.value.code == "conflict"


def test_a_draft_is_saved_only_over_the_version_read() -> None:
    claimed = rules.claim(job(), "alice", NOW, LEASE).model_copy(update={"version": 4})
    with pytest.raises(Refused) as stale:
        rules.save_draft(claimed, "alice", NOW, {"body-1": "Hi."}, version=3)
    assert stale.value.code == "conflict"
    saved = rules.save_draft(claimed, "alice", NOW, {"body-1": "Hi."}, version=4)
    assert [(s.target, s.origin) for s in saved.segments] == [("Hi.", "translator"),
                                                              (None, None)]


def test_unknown_segment_ids_are_named_by_their_place_in_the_draft() -> None:
    claimed = rules.claim(job(), "alice", NOW, LEASE)
    with pytest.raises(Refused) as refused:
        rules.save_draft(claimed, "alice", NOW, {"body-1": "Hi.", "body-9": "?"})
    assert refused.value.code == "invalid"
    assert refused.value.details == {"errors": [
        {"loc": ["segments", 1, "id"], "msg": "no segment of this job has this id"}]}


def test_a_draft_naming_a_segment_twice_is_malformed() -> None:
    twice = [{"id": "body-1", "target": "a"}, {"id": "body-1", "target": "b"}]
    with pytest.raises(ValidationError, match="named twice"):
        SaveDraft.model_validate({"job_id": "j", "actor": "a", "segments": twice})


def test_the_due_window_is_a_range_of_ranks() -> None:
    early, late = NOW, NOW + timedelta(days=2)
    inside = rules.urgency_rank(NOW + timedelta(days=1), 5, "job_a")
    at_start = rules.urgency_rank(early, 0, "job_b")
    at_end = rules.urgency_rank(late, 9, "job_c")
    undated = rules.urgency_rank(None, 0, "job_d")
    lowest, below = rules.due_window(early, late)
    assert lowest is not None and below is not None
    assert [lowest <= rank < below for rank in (inside, at_start, at_end, undated)] == [
        True, True, False, False]
    lowest, below = rules.due_window(early, None)
    assert below is not None and not undated < below
    assert rules.due_window(None, None) == (None, None)


def test_an_empty_or_naive_due_window_is_refused() -> None:
    with pytest.raises(ValidationError, match="earlier than"):
        ListJobs(due_after=NOW, due_before=NOW)
    with pytest.raises(ValidationError, match="due_before"):
        ListJobs.model_validate({"due_before": "2026-11-22T12:00:00"})


def test_the_word_diff_gives_back_the_draft_and_the_target() -> None:
    draft, target = "The tender was opened by agency.", "The tender was opened by the agency!"
    diff = word_diff(draft, target)
    assert "".join(op.text for op in diff if op.op != "delete") == target
    assert "".join(op.text for op in diff if op.op != "insert") == draft
    assert [op for op in diff if op.op != "equal"] == [
        DiffOp(op="insert", text="the "), DiffOp(op="delete", text="."),
        DiffOp(op="insert", text="!")]
    assert word_diff("Same.", "Same.") == [DiffOp(op="equal", text="Same.")]


def test_a_segment_shows_its_machine_draft_beside_the_edited_target() -> None:
    segment = prefilled(job().segments[0], "Hi.", "machine")
    edited = segment.model_copy(update={"target": "Hello.", "origin": "translator"})
    change = segment_change(edited)
    assert (change.draft, change.draft_origin, change.changed) == ("Hi.", "machine", True)
    assert [(op.op, op.text) for op in change.diff] == [("delete", "Hi"), ("insert", "Hello"),
                                                        ("equal", ".")]
    # Drafted before drafts were kept: an untouched machine target is its own draft.
    old = job().segments[0].model_copy(update={"target": "Hi.", "origin": "machine"})
    assert (segment_change(old).draft, segment_change(old).changed) == ("Hi.", False)
    written = segment_change(job().segments[0].model_copy(update={"target": "Hola."}))
    assert (written.draft, written.diff) == (None, [DiffOp(op="insert", text="Hola.")])


def test_a_suggestion_gives_its_match_as_a_whole_percentage() -> None:
    assert Suggestion.model_validate({"text": "t", "score": 87.6, "source": "s"}).match == 88
