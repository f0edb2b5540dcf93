"""The NATS Services API on every service process: `$SRV.PING`, `$SRV.INFO` and `$SRV.STATS`
(each also as `.<service>` and `.<service>.<id>`), so that `nats micro list`, `info` and `stats`
show each replica, its RPC subjects, and how many requests each answered, how many of them
failed and how long they took.

Why nats.micro answers only these control subjects, and FastStream keeps serving `rpc.*`:
as micro endpoints, the RPC subjects would
- be answered one request at a time per subject (nats-py runs a subscription's callbacks in
  turn), where our responders take RESPONDER_CONCURRENCY at once: a burst of registrations
  would queue behind each one's database round trips;
- lose the trace FastStream's telemetry middleware carries from the caller into the handler,
  and answer failures with micro's `Nats-Service-Error` headers instead of our `{ok, error}`
  replies (which the gateway turns into problems);
- or, kept beside FastStream's subscriber in a queue group of their own, handle every request
  twice.
So the RPC layer (`shared.bus.RpcRoutes`) counts what it answers in an `Endpoint` per subject,
and `ServicesApi`, a nats.micro service with no subscription on `rpc.*`, reports those counts.

An error is every error reply (`ok: false`), refusals such as `invalid` or `not_found`
included, as micro's own `respond_error` counts them; `last_error` and the endpoint's `data`
(errors by code) name the code only, never the message, which may quote what a person typed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from faststream.nats import NatsRouter
from nats.aio.client import Client
from nats.micro.service import (
    SEMVER_REGEX,
    EndpointInfo,
    EndpointStats,
    Service,
    ServiceConfig,
    ServiceInfo,
    ServiceStats,
)

from shared.contracts.rpc import RpcReply
from shared.telemetry import package_version


@dataclass
class Endpoint:
    """One RPC subject of this process, and what it answered since the process started."""

    name: str
    subject: str
    queue_group: str
    requests: int = 0
    errors: int = 0
    processing_ns: int = 0
    last_error: str = ""
    errors_by_code: Counter[str] = field(default_factory=Counter)

    def record(self, reply: RpcReply, started_ns: int) -> None:
        """Count one answered request; `started_ns` is `time.perf_counter_ns()` at its start."""
        self.requests += 1
        self.processing_ns += time.perf_counter_ns() - started_ns
        if not reply.ok:
            code = reply.error.code if reply.error else "internal"
            self.errors += 1
            self.errors_by_code[code] += 1
            self.last_error = code

    def info(self) -> EndpointInfo:
        return EndpointInfo(name=self.name, subject=self.subject, queue_group=self.queue_group)

    def stats(self) -> EndpointStats:
        return EndpointStats(
            name=self.name, subject=self.subject, queue_group=self.queue_group,
            num_requests=self.requests, num_errors=self.errors, last_error=self.last_error,
            processing_time=self.processing_ns,
            average_processing_time=self.processing_ns // self.requests if self.requests else 0,
            data={"errors_by_code": dict(self.errors_by_code)})


class RpcRouter(NatsRouter):
    """A router of RPC responders (`shared.bus.RpcRoutes`) that keeps their counted endpoints.

    The counts live with the router, not under the service's name: each start builds its own
    routers, so each replica reports its own counts, even several in one test process."""

    def __init__(self) -> None:
        super().__init__()
        self.endpoints: list[Endpoint] = []

    def counted(self, name: str, subject: str, queue_group: str) -> Endpoint:
        """A new endpoint served on this router, counted from now."""
        endpoint = Endpoint(name, subject, queue_group)
        self.endpoints.append(endpoint)
        return endpoint


def endpoints_of(routers: Iterable[NatsRouter]) -> list[Endpoint]:
    """The counted endpoints on these routers (RPC routers; others have none), in order."""
    return [e for router in routers if isinstance(router, RpcRouter) for e in router.endpoints]


class ServicesApi(Service):
    """A nats.micro service that answers PING, INFO and STATS for endpoints served elsewhere
    (by FastStream, see the module docstring); it subscribes to the control subjects only."""

    def __init__(self, client: Client, config: ServiceConfig,
                 endpoints: Sequence[Endpoint]) -> None:
        super().__init__(client, config)
        self.client, self.endpoints = client, list(endpoints)

    def info(self) -> ServiceInfo:
        return replace(super().info(), endpoints=[e.info() for e in self.endpoints])

    def stats(self) -> ServiceStats:
        return replace(super().stats(), endpoints=[e.stats() for e in self.endpoints])

    async def stop(self) -> None:
        """Stop answering; on a connection closed for good there is nothing left to drain
        (and draining would raise)."""
        if not self.client.is_closed:
            await super().stop()


def semantic_version() -> str:
    """The package version, or 0.0.0 if it is not a semantic version (a PEP 440 local build
    such as `0.1.0.dev3`), which nats.micro would refuse, failing the start for a label."""
    version = package_version()
    return version if SEMVER_REGEX.match(version) else "0.0.0"


async def answer_services_api(client: Client, service: str, instance: str,
                              routers: Iterable[NatsRouter]) -> ServicesApi:
    """Start answering `$SRV.*` for `service` with the RPC endpoints of `routers`.

    The id is nats.micro's own (unique per replica, as the API requires); `instance`
    (host:pid) goes in the metadata, so that an operator finds the process behind an id."""
    config = ServiceConfig(
        name=service, version=semantic_version(),
        description=f"dialogues {service} service: RPC on rpc.{service}.*",
        metadata={"project": "dialogues", "role": service, "instance": instance})
    api = ServicesApi(client, config, endpoints_of(routers))
    await api.start()
    return api
