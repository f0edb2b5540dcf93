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


class SourcedEvent(Event):
    """Base of what another system sends under its own name: the subject carries the sending
    system's source as its third token, `ingest.<service>.<source>.<what>.v<major>`, where
    the NATS server checks that the sender may publish it; `stem` is the subject without it
    (`ingest.catalog.document`). Consumers read every source's with `subject()`, and take the
    source from the subject a message arrived on (`source_of`), never from its data alone."""

    @classmethod
    def subject(cls) -> str:
        """The filter of every source's subject, e.g. `ingest.catalog.*.document.v1`."""
        return cls.subject_for("*")

    @classmethod
    def subject_for(cls, source: str) -> str:
        """Where the system `source` publishes this event."""
        service_words, what = cls.stem.split(".")[:2], cls.stem.split(".")[2:]
        return ".".join([*service_words, source, *what, f"v{cls.version}"])

    @classmethod
    def source_of(cls, subject: str) -> str | None:
        """The source token of a subject this event travels on; None for any other subject."""
        parts = subject.split(".")
        if len(parts) < 4 or cls.subject_for(parts[2]) != subject:
            return None
        return parts[2]

    def to_cloudevent(
        self, *, event_id: str, source: str, time: datetime, subject: str | None = None
    ) -> CloudEvent:
        """The envelope; its type is the subject it travels on, as for every event (the
        data's `source` names it when the model has one)."""
        event = super().to_cloudevent(event_id=event_id, source=source, time=time,
                                      subject=subject)
        sender = getattr(self, "source", None)
        return event if sender is None else event.model_copy(
            update={"type": self.subject_for(sender)})
