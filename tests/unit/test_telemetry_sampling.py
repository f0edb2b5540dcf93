"""Spans are recorded only when they can go somewhere; ids exist either way."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace import SpanContext, TraceFlags, set_span_in_context
from opentelemetry.trace.span import NonRecordingSpan

from shared.settings import Settings
from shared.telemetry import sampler_for


def settings(**values: object) -> Settings:
    return Settings.model_validate(values)


def test_without_an_exporter_no_span_is_recorded_but_each_has_a_trace_id() -> None:
    tracer = TracerProvider(sampler=sampler_for(settings())).get_tracer("t")
    with tracer.start_as_current_span("request") as span:
        assert not span.is_recording()
        assert span.get_span_context().trace_id != 0


def test_with_an_exporter_new_traces_are_sampled_at_the_ratio() -> None:
    every = sampler_for(settings(otel_exporter_otlp_endpoint="http://collector:4318"))
    assert every.should_sample(None, 1, "request").decision is Decision.RECORD_AND_SAMPLE
    none = sampler_for(settings(otel_exporter_otlp_endpoint="http://collector:4318",
                             otel_traces_sampler_ratio=0.0))
    assert none.should_sample(None, 1, "request").decision is Decision.DROP


def test_a_sampled_parent_from_a_process_that_exports_is_followed() -> None:
    parent = NonRecordingSpan(SpanContext(trace_id=7, span_id=9, is_remote=True,
                                          trace_flags=TraceFlags(TraceFlags.SAMPLED)))
    result = sampler_for(settings()).should_sample(set_span_in_context(parent), 7, "child")
    assert result.decision is Decision.RECORD_AND_SAMPLE
