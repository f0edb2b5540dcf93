"""When nothing is recorded, FastStream's message spans are not built, and the trace context
still carries on from sender to handler as before (shared.nats_spans.LeanWhenUnsampled)."""

from __future__ import annotations

from typing import Any

import pytest
from faststream.nats import NatsBroker, NatsMessage, TestNatsBroker
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

import shared.nats_spans
from shared.nats_spans import NatsSpans, unrecorded_child
from shared.settings import Settings
from shared.telemetry import NOTHING_NEW, sampler_for, samples_nothing_new

PARENT = SpanContext(trace_id=0xABC, span_id=0x1, is_remote=False,
                     trace_flags=TraceFlags(TraceFlags.DEFAULT))


def test_only_the_sampler_without_an_exporter_samples_nothing_new() -> None:
    quiet = Settings.model_validate({})
    exporting = Settings.model_validate({"otel_exporter_otlp_endpoint": "http://c:4318"})
    assert samples_nothing_new(TracerProvider(sampler=sampler_for(quiet)))
    assert not samples_nothing_new(TracerProvider(sampler=sampler_for(exporting)))
    assert not samples_nothing_new(TracerProvider())


def test_an_unrecorded_child_stays_in_its_parents_trace_or_starts_one() -> None:
    child = unrecorded_child(PARENT).get_span_context()
    assert (child.trace_id, child.trace_flags.sampled) == (0xABC, False)
    assert child.span_id not in (0, PARENT.span_id)
    orphan = unrecorded_child(trace.INVALID_SPAN_CONTEXT).get_span_context()
    assert orphan.is_valid and not orphan.trace_flags.sampled


async def handled_in(broker_parent: SpanContext | None) -> tuple[SpanContext, dict[str, Any]]:
    """The span context a handler runs in, and the headers it got, for a message sent in
    `broker_parent` (or outside any span)."""
    broker = NatsBroker(middlewares=[NatsSpans()])
    seen: list[tuple[SpanContext, dict[str, Any]]] = []

    @broker.subscriber("lean.test")
    async def handle(body: str, message: NatsMessage) -> None:
        seen.append((trace.get_current_span().get_span_context(), dict(message.headers)))

    async with TestNatsBroker(broker) as test_broker:
        if broker_parent is None:
            await test_broker.publish("hello", "lean.test")
        else:
            with trace.use_span(NonRecordingSpan(broker_parent)):
                await test_broker.publish("hello", "lean.test")
    [result] = seen
    return result


async def test_without_an_exporter_a_handler_runs_in_a_new_span_of_the_senders_trace(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared.nats_spans.trace, "get_tracer_provider",
                        lambda: TracerProvider(sampler=NOTHING_NEW))
    span, headers = await handled_in(PARENT)
    assert span.trace_id == 0xABC and span.span_id != PARENT.span_id
    assert not span.trace_flags.sampled
    assert headers["traceparent"].startswith(f"00-{0xABC:032x}-")
    assert headers["traceparent"].endswith("-00")
    orphan, _ = await handled_in(None)  # no trace yet: a new one
    assert orphan.is_valid and orphan.trace_id != 0xABC


async def test_without_a_tracer_provider_the_senders_context_passes_as_it_is(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared.nats_spans.trace, "get_tracer_provider",
                        trace.NoOpTracerProvider)
    span, headers = await handled_in(PARENT)
    assert (span.trace_id, span.span_id) == (PARENT.trace_id, PARENT.span_id)
    assert headers["traceparent"] == f"00-{0xABC:032x}-{0x1:016x}-00"
    orphan, headers = await handled_in(None)  # nothing to pass on, and nothing started
    assert not orphan.is_valid and "traceparent" not in headers
