"""The translators' pages' rules: the queue's filters, what a save sends, who may do what."""

from __future__ import annotations

import contextvars
from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.staff import i18n
from services.gateway.staff.pages import translations_calls as calls
from services.gateway.staff.pages import translations_forms as rules
from shared.contracts.translate.rpc import JobChanges, JobView, SegmentChange, SegmentView

pytestmark = pytest.mark.unit
NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def job(**changes: object) -> JobView:
    segments = [SegmentView(id="body-1", field="body", source="Hola.", target="Hello."),
                SegmentView(id="body-2", field="body", source="Adiós.", target=None)]
    values: dict[str, object] = {
        "id": "job_1", "document_id": "doc-1", "revision": 1, "source_language": "es",
        "target_language": "en", "status": "draft_ready", "priority": 0, "rank": "r",
        "segments": segments, "history": [], "claimed_by": "sa_me",
        "lease_until": NOW + timedelta(minutes=5), **changes}
    return JobView.model_validate(values)


def test_due_days_make_a_window_that_includes_both_days() -> None:
    filters = rules.queue_filters({"due_from": "2027-03-01", "due_to": "2027-03-02",
                                   "source": "es", "status": "in_review"})
    assert filters.query is not None
    assert filters.query.due_after == datetime(2027, 3, 1, tzinfo=UTC)
    assert filters.query.due_before == datetime(2027, 3, 3, tzinfo=UTC)
    assert (filters.query.source, filters.query.status) == ("es", "in_review")


@pytest.mark.parametrize("params", [{"due_from": "03/01/2027"}, {"status": "lost"},
                                    {"due_from": "2027-03-05", "due_to": "2027-03-01"},
                                    {"target": "de"}])
def test_filters_the_form_cannot_send_are_invalid(params: dict[str, str]) -> None:
    assert rules.queue_filters(params).query is None


def test_only_the_segments_the_form_changed_are_saved() -> None:
    form = {"target-body-1": "Hello.", "target-body-2": "Bye.\r\nNow.", "version": "3"}
    edited = rules.edited_segments(job(), form)
    assert [(s.id, s.target) for s in edited] == [("body-2", "Bye.\nNow.")]
    assert rules.form_version(form) == 3 and rules.form_version({"version": "x"}) is None


def test_an_empty_textarea_over_no_target_is_no_change() -> None:
    assert rules.edited_segments(job(), {"target-body-2": "  "}) == []


def test_the_claim_holder_edits_others_wait_and_a_free_job_is_claimable() -> None:
    assert rules.may_edit(job(), "sa_me", NOW) and not rules.may_claim(job(), "sa_me", NOW)
    assert rules.taken_by_another(job(), "sa_other", NOW)
    assert not rules.may_claim(job(), "sa_other", NOW)
    expired = job(lease_until=NOW - timedelta(seconds=1))
    assert rules.may_claim(expired, "sa_other", NOW) and not rules.may_edit(expired, "sa_me", NOW)


def test_a_job_waiting_for_its_machine_draft_may_be_claimed_but_not_edited() -> None:
    waiting = job(status="queued", claimed_by=None, lease_until=None)
    assert rules.may_claim(waiting, "sa_me", NOW) and not rules.may_edit(waiting, "sa_me", NOW)
    assert not rules.may_claim(job(status="in_review"), "sa_me", NOW)


def test_after_a_conflict_only_what_differs_from_the_job_is_listed_as_unsaved() -> None:
    assert rules.unsaved(job(), {"body-1": "Hello.", "body-2": "Bye."}) == {"body-2": "Bye."}


def test_the_review_counts_only_drafts_the_translator_changed() -> None:
    def change(draft: str | None, changed: bool) -> SegmentChange:
        return SegmentChange(id="s", field="body", source="Hola.", draft=draft,
                             target="Hi.", origin="translator", changed=changed, diff=[])
    changes = JobChanges(job_id="job_1", status="in_review", machine=False, changed_segments=3,
                         segments=[change("Hello.", True), change(None, True),
                                   change("Hi.", False)])
    assert rules.edited_drafts(changes) == 1


def test_a_segment_is_named_by_its_field_in_the_reader_s_language() -> None:
    def labels() -> list[str]:
        i18n.use("es")  # in a copied context: no other test reads Spanish after this one
        return [calls.field_label(field)
                for field in ("summary", "agenda.b1.slots.s2.title", "something_new")]
    assert contextvars.copy_context().run(labels) == ["Resumen", "Agenda", "something_new"]
