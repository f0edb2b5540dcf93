"""`dialogues asyncapi`: the AsyncAPI 3.0 document of the bus, generated from the code.

It collects what each service really subscribes to (its routers, built exactly as the service
builds them, on a runtime that never connects) and documents each event contract as a
publication. `docs/asyncapi.json` is this output; a test fails when it is stale.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
from pathlib import Path
from typing import Any

from faststream import FastStream
from faststream.nats import NatsBroker, NatsRouter
from pymongo import AsyncMongoClient

from shared.contracts.events import Event
from shared.outbox import OutboxRelay
from shared.service import Runtime, ServiceSpec, ping_routes
from shared.settings import SERVICES, Settings
from shared.telemetry import package_version

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "asyncapi.json"
CONTRACT_MODULES = ("registration", "catalog", "translate", "notify")
NATS_BINDING_VERSION = "0.1.0"


def _event_models() -> list[type[Event]]:
    models: list[type[Event]] = []
    for name in CONTRACT_MODULES:
        module = importlib.import_module(f"shared.contracts.{name}.events")
        models += [value for value in vars(module).values()
                   if inspect.isclass(value) and issubclass(value, Event)
                   and "stem" in value.__dict__ and not value.stem.startswith("ingest.")]
    return sorted(models, key=lambda model: model.subject())


def _service_routers(spec: ServiceSpec, broker: NatsBroker) -> list[NatsRouter]:
    settings = Settings()
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        "mongodb://127.0.0.1:1/?directConnection=true", connect=False)
    db = client[settings.database_name(spec.name)]
    runtime = Runtime(spec.name, settings, client, db, broker,
                      OutboxRelay(db, (), broker, source=spec.name))
    return [ping_routes(runtime), *spec.build(runtime).routers]


def _standard_nats_bindings(document: dict[str, Any]) -> None:
    """FastStream writes NATS channel bindings (`subject`, `queue`) as bindingVersion "custom",
    which the AsyncAPI parser cannot check. NATS binding 0.1.0 has no channel fields (the
    subject is the channel's address) and puts the queue group on the receiving operation:
    move it there, where the parser checks it against the binding's schema."""
    queues: dict[str, str] = {}
    for name, channel in document["channels"].items():
        nats = channel.pop("bindings", {}).get("nats", {})
        if nats.get("subject", channel["address"]) != channel["address"]:
            raise ValueError(f"channel {name}: subject {nats['subject']} is not its address")
        if "queue" in nats:
            pointer = name.replace("~", "~0").replace("/", "~1")
            queues[f"#/channels/{pointer}"] = nats["queue"]
    for operation in document["operations"].values():
        queue = queues.get(operation["channel"]["$ref"])
        if queue is not None:
            operation["bindings"] = {
                "nats": {"queue": queue, "bindingVersion": NATS_BINDING_VERSION}}


def specification() -> str:
    """The AsyncAPI document as sorted, indented JSON."""
    broker = NatsBroker("nats://nats:4222", description=(
        "The bus of the INGP Virtual Dialogues: CloudEvents 1.0 in binary mode (ce-* headers, "
        "JSON body) on `<service>.<entity>.<past-verb>.v<major>`; RPC on `rpc.<service>.<action>`"
        " (replies `{ok, data | error}`); `ingest.>` from other systems; `dlq.>` dead letters."))
    for name in SERVICES:
        spec: ServiceSpec = importlib.import_module(f"services.{name}.bootstrap").SPEC
        for router in _service_routers(spec, broker):
            broker.include_router(router)
    documented = NatsRouter()
    for model in _event_models():
        documented.publisher(model.subject(), schema=model, title=model.subject(),
                             description=(model.__doc__ or "").strip() or None)
    broker.include_router(documented)
    app = FastStream(broker)
    document = json.loads(app.schema.to_specification().to_json())
    document["info"] = {"title": "dialogues bus", "version": package_version()}
    _standard_nats_bindings(document)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def run_asyncapi(args: argparse.Namespace) -> int:
    """Print the document, or write it to docs/asyncapi.json with --write."""
    text = specification()
    if args.write:
        DOCUMENT.parent.mkdir(exist_ok=True)
        DOCUMENT.write_text(text)
        print(f"wrote {DOCUMENT}")
    else:
        print(text, end="")
    return 0
