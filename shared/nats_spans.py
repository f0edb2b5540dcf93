"""FastStream's NATS spans, with replies named for what they are.

A reply goes to the asker's inbox, a subject made up for that one request
(`_INBOX_gateway.x7Gq...`). FastStream names the publish span after its destination, so every
reply became a span name of its own in the collector, and put the subject in
`messaging.destination.name`. OpenTelemetry's messaging conventions name such a destination
`(temporary)` and mark it `messaging.destination.temporary`; so do we, for the reply's
publish and for its receipt by the asker. Every other destination is kept as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from faststream.nats.opentelemetry.provider import (
    NatsBatchTelemetrySettingsProvider,
    NatsTelemetrySettingsProvider,
)
from faststream.nats.response import NatsPublishCommand
from faststream.opentelemetry.middleware import TelemetryMiddleware
from nats.aio.msg import Msg
from opentelemetry.semconv.trace import SpanAttributes

if TYPE_CHECKING:
    from faststream.message import StreamMessage
    from faststream.response import PublishCommand

TEMPORARY = "(temporary)"
INBOX = "_INBOX"


def is_inbox(subject: str) -> bool:
    """`_INBOX.x` (nats-py's default) or `_INBOX_<user>.x` (deploy/nats.conf's)."""
    return subject.startswith(INBOX) and subject[len(INBOX):][:1] in (".", "_")


class ReplyAwareProvider(NatsTelemetrySettingsProvider):
    """NATS span names and attributes, with inbox subjects replaced by `(temporary)`."""

    __slots__ = ()

    def get_publish_destination_name(self, cmd: PublishCommand) -> str:
        destination = super().get_publish_destination_name(cmd)
        return TEMPORARY if is_inbox(destination) else destination

    def get_publish_attrs_from_cmd(self, cmd: PublishCommand) -> dict[str, Any]:
        attributes = super().get_publish_attrs_from_cmd(cmd)
        if is_inbox(cmd.destination):
            attributes[SpanAttributes.MESSAGING_DESTINATION_NAME] = TEMPORARY
            attributes[SpanAttributes.MESSAGING_DESTINATION_TEMPORARY] = True
        return attributes


    def get_consume_destination_name(self, msg: StreamMessage[Msg]) -> str:
        destination = super().get_consume_destination_name(msg)
        return TEMPORARY if is_inbox(destination) else destination

    def get_consume_attrs_from_message(self, msg: StreamMessage[Msg]) -> dict[str, Any]:
        attributes = super().get_consume_attrs_from_message(msg)
        if is_inbox(msg.raw_message.subject):  # a reply received by the one who asked
            attributes[SpanAttributes.MESSAGING_DESTINATION_NAME] = TEMPORARY
            attributes[SpanAttributes.MESSAGING_DESTINATION_TEMPORARY] = True
        return attributes


def _providers(msg: Msg | Sequence[Msg] | None
               ) -> ReplyAwareProvider | NatsBatchTelemetrySettingsProvider | None:
    if isinstance(msg, Sequence):
        return NatsBatchTelemetrySettingsProvider()
    if isinstance(msg, Msg) or msg is None:
        return ReplyAwareProvider()
    return None  # key-value and object store watches: not traced, as in FastStream


class NatsSpans(TelemetryMiddleware[NatsPublishCommand]):
    """FastStream's `NatsTelemetryMiddleware`, with `ReplyAwareProvider`."""

    def __init__(self) -> None:
        super().__init__(settings_provider_factory=_providers)
