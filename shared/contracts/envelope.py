"""The CloudEvents 1.0 envelope of every event on the bus.

Events travel in binary mode: the attributes are NATS headers (`ce-id`, `ce-type`, ...) and the
body is the JSON data. Structured mode (`application/cloudevents+json`, attributes and data in
one JSON body) is accepted on input, because other systems publishing on `ingest.>` may not be
able to set headers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"
JSON_CONTENT_TYPE = "application/json"
_HEADER_ATTRIBUTES = ("id", "type", "source", "specversion", "time", "subject")


class InvalidEnvelope(ValueError):
    """A message that is not a valid CloudEvent; the reason is safe to publish."""


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event with a JSON object as data."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=500)
    specversion: Literal["1.0"] = "1.0"
    time: datetime
    subject: str | None = Field(None, max_length=500)
    datacontenttype: str = JSON_CONTENT_TYPE
    data: dict[str, Any] = Field(default_factory=dict)

    def to_nats(self) -> tuple[bytes, dict[str, str]]:
        """Binary mode: (body, headers), with `Nats-Msg-Id` so JetStream drops duplicates."""
        headers = {
            "ce-id": self.id,
            "ce-type": self.type,
            "ce-source": self.source,
            "ce-specversion": self.specversion,
            "ce-time": self.time.isoformat(),
            "content-type": self.datacontenttype,
            "Nats-Msg-Id": self.id,
        }
        if self.subject is not None:
            headers["ce-subject"] = self.subject
        return json.dumps(self.data, separators=(",", ":")).encode(), headers

    @classmethod
    def from_nats(cls, body: bytes, headers: Mapping[str, str]) -> CloudEvent:
        """Parse binary or structured mode; raise InvalidEnvelope with a clear reason."""
        lowered = {key.lower(): value for key, value in headers.items()}
        if lowered.get("content-type", "").startswith(STRUCTURED_CONTENT_TYPE):
            fields = _json_object(body, "structured CloudEvent")
        else:
            fields = {name: lowered[f"ce-{name}"] for name in _HEADER_ATTRIBUTES
                      if f"ce-{name}" in lowered}
            fields["data"] = _json_object(body, "event data") if body else {}
        try:
            return cls.model_validate(fields)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'event'}: {e['msg']}"
                for e in error.errors()
            )
            raise InvalidEnvelope(f"not a CloudEvent 1.0: {problems}") from None


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidEnvelope(f"{what} is not valid UTF-8 JSON") from None
    if not isinstance(value, dict):
        raise InvalidEnvelope(f"{what} must be a JSON object")
    return value
