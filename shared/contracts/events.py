"""A base for the versioned event models that services publish.

An event model names its subject stem (`registration.participant.confirmed`) and major version;
the subject on the bus is `<stem>.v<version>` and is also the CloudEvents `type`. Readers ignore
unknown fields, so adding a field keeps the version; a breaking change is a new class with
version 2, published beside the old one for a while.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict

from shared.contracts.envelope import CloudEvent


class Event(BaseModel):
    """Base of every event's data. Subclasses set `stem` and, when it changes, `version`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    stem: ClassVar[str]
    version: ClassVar[int] = 1

    @classmethod
    def subject(cls) -> str:
        """The NATS subject, which is also the CloudEvents type."""
        return f"{cls.stem}.v{cls.version}"

    def to_cloudevent(
        self, *, event_id: str, source: str, time: datetime, subject: str | None = None
    ) -> CloudEvent:
        """Wrap this event's data in an envelope."""
        data: dict[str, Any] = self.model_dump(mode="json")
        return CloudEvent(
            id=event_id, type=self.subject(), source=source, time=time,
            subject=subject, data=data,
        )

    @classmethod
    def from_cloudevent(cls, event: CloudEvent) -> Self:
        """The typed data of an envelope (raises pydantic's ValidationError if it does not fit)."""
        return cls.model_validate(event.data)
