"""FastStream's NATS spans, with replies named for what they are.

A reply goes to the asker's inbox, a subject made up for that one request
(`_INBOX_gateway.x7Gq...`). FastStream names the publish span after its destination, so every
reply became a span name of its own in the collector, and put the subject in
`messaging.destination.name`. OpenTelemetry's messaging conventions name such a destination
`(temporary)` and mark it `messaging.destination.temporary`; so do we, for the reply's
publish and for its receipt by the asker. Every other destination is kept as it is.

When nothing would be recorded (an unsampled parent, and either no exporter, see
`shared.telemetry.samples_nothing_new`, or no tracer provider at all), FastStream still built
each message's spans in full: a "create" and a "publish" span per send, a "process" span per
receipt, their attribute dicts and context managers, all thrown away. That was about 40% of
the CPU of an RPC's bus plumbing (both ends, measured). `LeanWhenUnsampled` then does only what
shows: the trace context carried on (a `traceparent` naming a new span of the same trace, or
of a new one, as the SDK's dropped spans do, so logs keep their ids; without a provider, the
parent's own, as the no-op tracer passes it), the baggage, and the same duration metrics with
the same attributes. Anything sampled, and batches, take FastStream's own path unchanged.
It builds on FastStream 0.7's `BaseTelemetryMiddleware` internals (its tracer, metrics and
scope stack), pinned by uv.lock; tests/unit/test_nats_spans_lean.py fails if they move.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from faststream.nats.opentelemetry.provider import (
    NatsBatchTelemetrySettingsProvider,
    NatsTelemetrySettingsProvider,
)
from faststream.nats.response import NatsPublishCommand
from faststream.opentelemetry.baggage import Baggage
from faststream.opentelemetry.consts import ERROR_TYPE, MESSAGING_DESTINATION_PUBLISH_NAME
from faststream.opentelemetry.middleware import BaseTelemetryMiddleware, TelemetryMiddleware
from nats.aio.msg import Msg
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.semconv.trace import SpanAttributes
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from shared.telemetry import samples_nothing_new

if TYPE_CHECKING:
    from faststream._internal.context.repository import ContextRepo
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
    """FastStream's `NatsTelemetryMiddleware`, with `ReplyAwareProvider`, lean when nothing is
    sampled (`LeanWhenUnsampled`)."""

    def __init__(self) -> None:
        super().__init__(settings_provider_factory=_providers)

    def __call__(self, msg: Any | None, /, *, context: ContextRepo
                 ) -> BaseTelemetryMiddleware[NatsPublishCommand]:
        return LeanWhenUnsampled(msg, middleware=self, context=context)


_TRACE_PROPAGATOR = TraceContextTextMapPropagator()
_IDS = RandomIdGenerator()
_BAGGAGE_HEADER = "baggage"


def unrecorded_child(parent: SpanContext) -> NonRecordingSpan:
    """The span the SDK makes when it drops one: a new span id in the parent's trace (a new
    trace without a parent), not sampled."""
    trace_id = parent.trace_id if parent.is_valid else _IDS.generate_trace_id()
    return NonRecordingSpan(SpanContext(trace_id, _IDS.generate_span_id(), is_remote=False,
                                        trace_flags=TraceFlags(TraceFlags.DEFAULT),
                                        trace_state=parent.trace_state))


def as_the_no_op_tracer_does(parent: SpanContext) -> NonRecordingSpan:
    """The span a process without a tracer provider makes: the parent's own context (none
    without a parent), so it passes on a trace begun elsewhere and starts none itself."""
    return NonRecordingSpan(parent)


ChildOf = Callable[[SpanContext], NonRecordingSpan]


def unrecorded_children(parent: SpanContext) -> ChildOf | None:
    """How this process makes a child of `parent` that is certainly not recorded, or None
    when it may be recorded (then FastStream's full path runs)."""
    if parent.trace_flags.sampled:
        return None
    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        return as_the_no_op_tracer_does  # tests and benchmarks running services in-process
    return unrecorded_child if samples_nothing_new(provider) else None


class LeanWhenUnsampled(BaseTelemetryMiddleware[NatsPublishCommand]):
    """FastStream's per-message telemetry, without building spans nobody records (see the
    module docstring)."""

    def __init__(self, msg: Any | None, /, *, middleware: TelemetryMiddleware[Any],
                 context: ContextRepo) -> None:
        provider = _providers(msg)
        super().__init__(msg, tracer=middleware._tracer, metrics_container=middleware._metrics,
                         settings_provider_factory=lambda _: provider, context=context)
        self._provider = provider

    async def publish_scope(self, call_next: Callable[[Any], Awaitable[Any]],
                            msg: NatsPublishCommand) -> Any:
        """Send with the trace context and baggage; the publish duration metric."""
        provider = self._provider
        parent = trace.get_current_span().get_span_context()
        child_of = unrecorded_children(parent)
        if provider is None or len(msg.batch_bodies) > 1 or child_of is None:
            return await super().publish_scope(call_next, msg)
        headers = msg.headers
        if baggage := self.context.get_local("baggage"):
            headers.update(baggage.to_headers())
        _TRACE_PROPAGATOR.inject(headers, context=trace.set_span_in_context(child_of(parent)))
        attributes: dict[str, Any] = {
            SpanAttributes.MESSAGING_SYSTEM: provider.messaging_system,
            SpanAttributes.MESSAGING_DESTINATION_NAME: provider.get_publish_destination_name(msg),
        }
        started = time.perf_counter()
        try:
            msg.headers = headers
            return await call_next(msg)
        except Exception as error:
            attributes[ERROR_TYPE] = type(error).__name__
            raise
        finally:
            self._metrics.observe_publish(attributes, time.perf_counter() - started, 1)

    async def consume_scope(self, call_next: Callable[[Any], Awaitable[Any]],
                            msg: StreamMessage[Any]) -> Any:
        """Handle in the sender's trace (as an unrecorded span), with its baggage in the
        context; the process duration metric."""
        provider = self._provider
        if provider is None or msg.batch_headers or _BAGGAGE_HEADER in msg.headers:
            return await super().consume_scope(call_next, msg)  # batches: FastStream's way
        received = _TRACE_PROPAGATOR.extract(msg.headers)
        parent = trace.get_current_span(received).get_span_context()
        child_of = unrecorded_children(parent)
        if child_of is None:
            return await super().consume_scope(call_next, msg)
        attributes: dict[str, Any] = {
            SpanAttributes.MESSAGING_SYSTEM: provider.messaging_system,
            MESSAGING_DESTINATION_PUBLISH_NAME: provider.get_consume_destination_name(msg),
        }
        span = child_of(parent)
        self._current_span = span
        self._scope_tokens_stack.enter_context(self.context.scope("span", span))
        self._scope_tokens_stack.enter_context(self.context.scope("baggage",
                                                                  Baggage.from_msg(msg)))
        token = otel_context.attach(trace.set_span_in_context(span, received))
        started = time.perf_counter()
        try:
            return await call_next(msg)
        except Exception as error:
            attributes[ERROR_TYPE] = type(error).__name__
            raise
        finally:
            otel_context.detach(token)
            self._metrics.observe_consume(attributes, time.perf_counter() - started, 1)
