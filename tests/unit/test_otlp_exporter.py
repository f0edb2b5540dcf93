"""One picker for both OTLP exporters: the protocol chooses the module, HTTP adds the path."""

from __future__ import annotations

import pytest
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter as GM
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GS
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as HM
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HS

from shared.settings import Settings
from shared.telemetry import otlp_exporter


def settings(protocol: str) -> Settings:
    return Settings.model_validate({"otel_exporter_otlp_endpoint": "http://collector:4318/",
                                    "otel_exporter_otlp_protocol": protocol})


@pytest.mark.parametrize(("signal", "kind"), [("traces", HS), ("metrics", HM)])
def test_over_http_the_signal_path_is_added(signal: str, kind: type) -> None:
    exporter = otlp_exporter(settings("http/protobuf"), signal)  # type: ignore[call-overload]
    assert isinstance(exporter, kind)
    assert exporter._endpoint == f"http://collector:4318/v1/{signal}"


@pytest.mark.parametrize(("signal", "kind"), [("traces", GS), ("metrics", GM)])
def test_over_grpc_the_exporter_is_the_grpc_one(signal: str, kind: type) -> None:
    assert isinstance(otlp_exporter(settings("grpc"), signal), kind)  # type: ignore[call-overload]
