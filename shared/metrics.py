"""Metrics of every process: exported by OTLP when configured, and as Prometheus text.

Instruments are module-level (the OpenTelemetry API binds them to the provider once
`setup_metrics` installs it), so any code records with one line. Values that live in
JetStream (consumer lag, dead letters waiting) are read by a background loop and reported by
observable gauges.

Every label takes bounded values. Instrumentation we did not write labels with what it finds:
FastStream with the subject (each RPC reply goes to a unique `_INBOX.*` one, so every request
added series and memory), the ASGI middleware with the `Host` header (the client's choice).
Views keep only their bounded attributes, and a cardinality limit per instrument caps the rest.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from opentelemetry import metrics
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import (
    AlwaysOffExemplarFilter,
    Counter,
    Histogram,
    MeterProvider,
    ObservableCounter,
    ObservableGauge,
    ObservableUpDownCounter,
    UpDownCounter,
    _Gauge,
)
from opentelemetry.sdk.metrics.export import (
    CardinalityLimits,
    InstrumentCardinalityKey,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.metrics.view import View
from opentelemetry.sdk.resources import Resource
from prometheus_client import make_wsgi_app

from shared.servers import server_socket
from shared.settings import Settings
from shared.telemetry import otlp_exporter

if TYPE_CHECKING:
    from faststream.nats import NatsBroker

log = logging.getLogger(__name__)
meter = metrics.get_meter("dialogues")

RPC_DURATION = meter.create_histogram(
    "dialogues.rpc.duration", unit="s",
    description="Time a service took to answer a request, by service, action and outcome.")
DEAD_LETTERS = meter.create_counter(
    "dialogues.dead_letters", unit="{message}",
    description="Messages this process moved to the dead-letter stream, by consumer.")

BOUNDED_ATTRIBUTES: dict[str, set[str]] = {
    "faststream.opentelemetry.middleware": {"messaging.system", "error.type"},
    "opentelemetry.instrumentation.asgi": {
        "http.method", "http.scheme", "http.flavor", "http.status_code", "http.route",
        "http.request.method", "http.response.status_code", "url.scheme",
        "network.protocol.version", "error.type"},
}
"""Per instrumentation scope, the attributes its metrics keep (all others are dropped)."""
SERIES_PER_INSTRUMENT = 500
"""Backstop: past this many label sets, an instrument adds to one overflow series."""

_lag: dict[tuple[str, str], int] = {}
_dlq_depth: list[int] = []


def _observe_lag(_: CallbackOptions) -> Iterable[Observation]:
    return [Observation(pending, {"stream": stream, "consumer": durable})
            for (stream, durable), pending in _lag.items()]


def _observe_dlq(_: CallbackOptions) -> Iterable[Observation]:
    return [Observation(_dlq_depth[-1])] if _dlq_depth else []


meter.create_observable_gauge(
    "dialogues.consumer.lag", callbacks=[_observe_lag], unit="{message}",
    description="Messages a durable consumer has not yet acknowledged (pending + in flight).")
meter.create_observable_gauge(
    "dialogues.dlq.depth", callbacks=[_observe_dlq], unit="{message}",
    description="Messages waiting in the dead-letter stream.")


def setup_metrics(resource: Resource, settings: Settings) -> MeterProvider:
    """Install the meter provider: Prometheus always, OTLP when an endpoint is set."""
    kinds: list[InstrumentCardinalityKey] = [
        Counter, UpDownCounter, Histogram, _Gauge, ObservableCounter, ObservableUpDownCounter,
        ObservableGauge]
    limits: CardinalityLimits = dict.fromkeys(kinds, SERIES_PER_INSTRUMENT)
    readers: list[MetricReader] = [PrometheusMetricReader(cardinality_limits=limits)]
    if settings.otel_exporter_otlp_endpoint:
        readers.append(PeriodicExportingMetricReader(otlp_exporter(settings, "metrics")))
    # Exemplars (a trace id beside a measurement) only travel by OTLP; Prometheus text drops
    # them, and offering one to every histogram bucket costs CPU on every record.
    exemplars = None if settings.otel_exporter_otlp_endpoint else AlwaysOffExemplarFilter()
    provider = MeterProvider(resource=resource, metric_readers=readers, views=bounded_views(),
                             exemplar_filter=exemplars)
    metrics.set_meter_provider(provider)
    if settings.metrics_port is not None:
        server = serve_metrics(settings.metrics_host, settings.metrics_port)
        log.info("metrics served", extra={"port": server.server_port})
    return provider


class _QuietHandler(WSGIRequestHandler):
    """Logs no request line: a scraper's address and every scrape add nothing to the logs."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class MetricsServer(ThreadingMixIn, WSGIServer):
    """Prometheus text over HTTP, a thread per scrape, on a socket from `server_socket`.

    prometheus_client's own `start_http_server` (the same wsgiref server) leaves TCP_NODELAY
    off on its connections. A scrape hardly shows it, as wsgiref closes the connection after
    each answer; served on `server_socket`, no server of ours depends on how a library makes
    its sockets.
    """

    daemon_threads = True  # a scrape in flight does not hold the process at exit

    def __init__(self, sock: socket.socket) -> None:
        self.address_family = sock.family
        self._bound = sock
        super().__init__(sock.getsockname()[:2], _QuietHandler)
        self.set_app(make_wsgi_app())

    def server_bind(self) -> None:
        """Take the bound socket instead of binding the one socketserver made."""
        self.socket.close()
        self.socket = self._bound
        host, port = self.socket.getsockname()[:2]
        self.server_address, self.server_name, self.server_port = (host, port), host, port
        self.setup_environ()


def serve_metrics(host: str, port: int) -> MetricsServer:
    """Serve `/metrics` on host:port (0: any free port) from a daemon thread; returns the
    server, listening."""
    server = MetricsServer(server_socket(host, port))
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server


def bounded_views() -> list[View]:
    """Views that drop the unbounded attributes of other libraries' instruments."""
    return [View(meter_name=scope, attribute_keys=keys)
            for scope, keys in BOUNDED_ATTRIBUTES.items()]


async def watch_jetstream(broker: NatsBroker, consumers: list[tuple[str, str]],
                          interval: float = 30.0) -> None:
    """Keep the lag of this process's durable consumers and the DLQ depth up to date.

    Every 30 s, about as often as Prometheus scrapes: one request per durable each time, in
    every process, is a steady cost of an idle system."""
    while True:
        try:
            js = broker.connection.jetstream()
            for stream, durable in consumers:
                info = await js.consumer_info(stream, durable)
                _lag[(stream, durable)] = info.num_pending + info.num_ack_pending
            _dlq_depth[:] = [(await js.stream_info("DLQ")).state.messages]
        except Exception as error:  # the bus is away; the gauges keep their last values
            log.debug("jetstream metrics not read", extra={"error": type(error).__name__})
        await asyncio.sleep(interval)
