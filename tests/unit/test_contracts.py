"""The CloudEvents envelope, versioned events and failure descriptions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, ValidationError

from shared.consumer import describe_failure
from shared.contracts.envelope import CloudEvent, InvalidEnvelope
from shared.contracts.events import Event

pytestmark = pytest.mark.unit

WHEN = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


class ParticipantConfirmed(Event):
    stem = "registration.participant.confirmed"
    registration_id: str


class ParticipantConfirmedV2(ParticipantConfirmed):
    version = 2


def test_subject_is_stem_and_major_version() -> None:
    assert ParticipantConfirmed.subject() == "registration.participant.confirmed.v1"
    assert ParticipantConfirmedV2.subject() == "registration.participant.confirmed.v2"


def test_binary_mode_round_trip() -> None:
    sent = ParticipantConfirmed(registration_id="r1").to_cloudevent(
        event_id="e1", source="dialogues/registration", time=WHEN, subject="s1")
    body, headers = sent.to_nats()
    assert headers["ce-id"] == headers["Nats-Msg-Id"] == "e1"
    assert headers["ce-type"] == "registration.participant.confirmed.v1"
    assert headers["ce-specversion"] == "1.0" and headers["ce-subject"] == "s1"
    assert json.loads(body) == {"registration_id": "r1"}
    received = CloudEvent.from_nats(body, headers)
    assert received == sent
    assert ParticipantConfirmed.from_cloudevent(received).registration_id == "r1"


def test_readers_ignore_unknown_fields() -> None:
    ce = CloudEvent(id="e", type="t", source="s", time=WHEN,
                    data={"registration_id": "r", "added_later": True})
    assert ParticipantConfirmed.from_cloudevent(ce) == ParticipantConfirmed(registration_id="r")


def test_structured_mode_is_accepted() -> None:
    body = json.dumps({"specversion": "1.0", "id": "x", "type": "attendance.v1",
                       "source": "platform", "time": "2026-11-21T15:00:00Z",
                       "data": {"session_id": "s"}}).encode()
    event = CloudEvent.from_nats(body, {"Content-Type": "application/cloudevents+json"})
    assert (event.id, event.time, event.data) == ("x", WHEN, {"session_id": "s"})


@pytest.mark.parametrize(
    ("body", "headers", "reason"),
    [
        (b"{}", {}, "id: Field required"),
        (b"\xff\xfe", {"ce-id": "x"}, "not valid UTF-8 JSON"),
        (b"[1]", {"ce-id": "x"}, "must be a JSON object"),
        (b"{}", {"ce-id": "x", "ce-type": "t", "ce-source": "s", "ce-time": "yesterday"},
         "time"),
        (b"{}", {"ce-id": "x", "ce-type": "t", "ce-source": "s", "ce-specversion": "0.3",
                 "ce-time": "2026-11-21T15:00:00Z"}, "specversion"),
        (b'{"id": 1}', {"content-type": "application/cloudevents+json"}, "not a CloudEvent"),
    ],
)
def test_malformed_events_are_refused_with_a_reason(
    body: bytes, headers: dict[str, str], reason: str
) -> None:
    with pytest.raises(InvalidEnvelope, match=reason):
        CloudEvent.from_nats(body, headers)


def test_failure_descriptions_carry_no_input_values() -> None:
    class Registration(BaseModel):
        email: int

    with pytest.raises(ValidationError) as error:
        Registration.model_validate({"email": "ana@example.org"})
    described = describe_failure(error.value)
    assert described.startswith("invalid event data: email")
    assert "ana@example.org" not in described
    assert describe_failure(KeyError("ana@example.org")) == "handler failed: KeyError"
