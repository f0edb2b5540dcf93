"""OpenTelemetry and structured logging, set up the same way in every process.

Logs are JSON lines carrying the trace and span ids, so an operator can go from a log line to
its trace. Spans and logs must never carry personal data: code logs ids, never e-mails or names.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal, overload

from opentelemetry import trace
from opentelemetry.sdk.metrics.export import MetricExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, Sampler, TraceIdRatioBased

from shared.settings import Settings

_STANDARD_RECORD_KEYS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def package_version() -> str:
    """The installed version of this project."""
    try:
        return version("dialogues")
    except PackageNotFoundError:
        return "0.0.0"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, service, logger, message, trace ids, extras."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            line["trace_id"] = format(context.trace_id, "032x")
            line["span_id"] = format(context.span_id, "016x")
        line.update(
            (key, value) for key, value in vars(record).items()
            if key not in _STANDARD_RECORD_KEYS and not key.startswith("_")
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def setup_logging(service: str, level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # pymongo's command log would print statements, which may hold personal data.
    logging.getLogger("pymongo").setLevel(logging.WARNING)
    # FastStream's own logger writes coloured text through a handler of its own; send its
    # lines through ours so that every line a process writes is JSON.
    faststream = logging.getLogger("faststream")
    faststream.handlers[:] = []
    faststream.propagate = True


@overload
def otlp_exporter(settings: Settings, signal: Literal["traces"]) -> SpanExporter: ...
@overload
def otlp_exporter(settings: Settings, signal: Literal["metrics"]) -> MetricExporter: ...
def otlp_exporter(settings: Settings, signal: Literal["traces", "metrics"]
                  ) -> SpanExporter | MetricExporter:
    """The OTLP exporter of `signal` for `OTEL_EXPORTER_OTLP_PROTOCOL`, imported only when an
    endpoint is set. Over HTTP the endpoint is the collector's base URL (`/v1/<signal>` is
    added, as the OpenTelemetry SDKs do); over gRPC it is used as given."""
    grpc = settings.otel_exporter_otlp_protocol == "grpc"
    kind = "trace" if signal == "traces" else "metric"
    module = importlib.import_module(
        f"opentelemetry.exporter.otlp.proto.{'grpc' if grpc else 'http'}.{kind}_exporter")
    exporter = getattr(module, "OTLPSpanExporter" if signal == "traces" else "OTLPMetricExporter")
    base = settings.otel_exporter_otlp_endpoint or ""
    made: SpanExporter | MetricExporter = exporter(
        endpoint=base if grpc else base.rstrip("/") + f"/v1/{signal}")
    return made


def resource_of(service: str, settings: Settings) -> Resource:
    """The resource attributes every span and metric of a process carries."""
    return Resource.create({
        "service.name": f"dialogues-{service}",
        "service.namespace": "dialogues",
        "service.version": package_version(),
        "deployment.environment": settings.deployment_environment,
    })


NOTHING_NEW = ParentBased(ALWAYS_OFF)
"""The sampler without an exporter: follows a sampled parent, starts no sampled trace."""


def samples_nothing_new(provider: object | None = None) -> bool:
    """Whether this process's tracer (or `provider`) records only what a sampled parent asks
    for (no exporter): then an unsampled parent's children are never recorded, and code that
    builds spans may skip building them (shared.nats_spans)."""
    chosen = trace.get_tracer_provider() if provider is None else provider
    return getattr(chosen, "sampler", None) is NOTHING_NEW


def sampler_for(settings: Settings) -> Sampler:
    """Sample `OTEL_TRACES_SAMPLER_RATIO` of new traces when spans go somewhere; else none.

    Without an exporter a recorded span is built, filled and thrown away: in a burst of
    registrations that was about a tenth of each service's CPU (bench/registration_rush.py).
    Unsampled spans still carry trace ids, so logs and problem details keep theirs, and a
    trace begun by a process that does export is still followed (ParentBased)."""
    if not settings.otel_exporter_otlp_endpoint:
        return NOTHING_NEW
    return ParentBased(TraceIdRatioBased(settings.otel_traces_sampler_ratio))


def setup_tracing(service: str, settings: Settings) -> TracerProvider:
    """Install a tracer provider for `service`; export by OTLP only when an endpoint is set."""
    resource = resource_of(service, settings)
    provider = TracerProvider(resource=resource, sampler=sampler_for(settings))
    if settings.otel_exporter_otlp_endpoint:
        provider.add_span_processor(BatchSpanProcessor(otlp_exporter(settings, "traces")))
    trace.set_tracer_provider(provider)
    return provider
