"""deploy/compose.yaml as a reader would check it: every variable set, images pinned, health."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.config import SETTINGS_CLASSES
from shared.settings import SERVICES, describe, required_in_production

pytestmark = pytest.mark.unit

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
PROCESSES = (*SERVICES, "gateway")
CLUSTER_NATS = ("nats-1", "nats-2", "nats-3")
CLUSTER_MONGO = ("mongo-1", "mongo-2", "mongo-3")


@pytest.mark.parametrize("process", PROCESSES)
def test_every_variable_a_process_needs_is_set(process: str) -> None:
    environment = COMPOSE["services"][process]["environment"]
    missing = [name for name in required_in_production(process) if not environment.get(name)]
    assert missing == []
    known = {variable for cls in SETTINGS_CLASSES for variable, _, _ in describe(cls)}
    assert set(required_in_production(process)) <= known


@pytest.mark.parametrize("process", PROCESSES)
def test_each_service_connects_as_its_own_nats_user(process: str) -> None:
    url = COMPOSE["services"][process]["environment"]["NATS_URL"]
    assert url.startswith(f"nats://{process}:${{{process.upper()}_NATS_PASSWORD}}@nats:")
    assert f"user: {process}," in (DEPLOY / "nats.conf").read_text()


def test_every_image_is_pinned() -> None:
    for name, service in COMPOSE["services"].items():
        image = service["image"]
        tag = image.rpartition(":")[2]
        assert ":" in image and tag != "latest", name
        assert re.search(r"\d+\.\d+", tag), f"{name}: {image} is not pinned to a version"


def test_every_service_has_a_health_check() -> None:
    """Long-running services are checked; commands that run once (the `ops` profile, the
    replica set's initialisation) are never restarted."""
    for name, service in COMPOSE["services"].items():
        if "ops" in service.get("profiles", []) or service.get("restart") == "no":
            assert service["restart"] == "no", name
        else:
            assert service.get("healthcheck", {}).get("test"), name


def test_the_operator_password_is_in_no_running_service() -> None:
    """`dialogues dlq` may replay onto every stream; only the on-demand `ops` holds it."""
    holders = [name for name, service in COMPOSE["services"].items()
               if "OPERATOR_NATS_PASSWORD" in str(service.get("environment", {}))]
    assert sorted(holders) == ["nats", "nats-1", "nats-2", "nats-3", "ops"]
    assert COMPOSE["services"]["ops"]["profiles"] == ["ops"]
    assert COMPOSE["services"]["ops"]["environment"]["NATS_URL"].startswith(
        "nats://operator:${OPERATOR_NATS_PASSWORD}@nats:")


def test_nats_gets_every_password_its_files_name() -> None:
    """nats-server refuses to start while a `$VARIABLE` of its files is unset."""
    named = set()
    for file in ("nats.conf", "nats-portals.conf"):
        named |= set(re.findall(r"\$([A-Z_]+_NATS_PASSWORD)", (DEPLOY / file).read_text()))
    assert named
    for node in ("nats", *CLUSTER_NATS):
        assert named <= set(COMPOSE["services"][node]["environment"]), node
    example = (DEPLOY / ".env.example").read_text()
    assert all(f"{name}=" in example for name in named)


@pytest.mark.parametrize("process", PROCESSES)
def test_older_token_secrets_reach_every_process(process: str) -> None:
    # Without them a rotated TOKEN_SECRET breaks every link already mailed.
    environment = COMPOSE["services"][process]["environment"]
    assert environment.get("TOKEN_SECRETS_OLD") == "${TOKEN_SECRETS_OLD:-}"


def test_secrets_come_from_the_environment_file() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    assert "TOKEN_SECRET: ${TOKEN_SECRET:?" in text
    example = (DEPLOY / ".env.example").read_text()
    for variable in re.findall(r"\$\{([A-Z_]+):\?", text):
        assert f"{variable}=" in example, variable


def test_nats_puts_each_message_on_disk_before_acknowledging_it() -> None:
    # The outbox deletes an event once JetStream acknowledged it: on one node, an acknowledged
    # message only in the page cache would be lost with the host.
    block = re.search(r"^jetstream\s*\{(.*?)^\}", (DEPLOY / "nats.conf").read_text(),
                      re.MULTILINE | re.DOTALL)
    assert block is not None
    settings = dict(re.findall(r"^\s*(\w+)\s*:\s*\"?([^\"\s#]+)", block.group(1), re.MULTILINE))
    assert settings.get("sync_interval") == "always"


def in_cluster_profile() -> dict[str, Any]:
    return {name: service for name, service in COMPOSE["services"].items()
            if "cluster" in service.get("profiles", [])}


def test_the_cluster_profile_runs_three_nats_nodes_from_one_clustered_file() -> None:
    nodes = {name: s for name, s in in_cluster_profile().items() if s["image"].startswith("nats:")}
    assert sorted(nodes) == list(CLUSTER_NATS)
    for name, node in nodes.items():
        assert "/etc/nats/nats-cluster.conf" in node["command"], name
        assert node["environment"]["NATS_SERVER_NAME"] == name  # unique: JetStream places by it
    conf = (DEPLOY / "nats-cluster.conf").read_text()
    assert "include ./nats.conf" in conf and "server_name: $NATS_SERVER_NAME" in conf
    assert all(f"nats-route://{name}:6222" in conf for name in CLUSTER_NATS)


def test_the_cluster_profile_initiates_a_three_member_replica_set() -> None:
    profile = in_cluster_profile()
    for name in CLUSTER_MONGO:
        assert profile[name]["command"] == ["--replSet", "rs0", "--bind_ip_all"]
    init = " ".join(profile["mongo-init"]["command"])
    assert "rs.initiate" in init
    assert all(f"host: '{name}:27017'" in init for name in CLUSTER_MONGO)


@pytest.mark.parametrize("process", PROCESSES)
def test_the_cluster_profile_runs_each_process_twice_on_every_node(process: str) -> None:
    service = in_cluster_profile()[f"cluster-{process}"]
    assert service["deploy"]["replicas"] == 2
    environment = service["environment"]
    assert environment["MONGO_URL"] == (
        "mongodb://mongo-1:27017,mongo-2:27017,mongo-3:27017/?replicaSet=rs0")
    assert environment["STREAM_REPLICAS"] == "3"
    user = f"nats://{process}:${{{process.upper()}_NATS_PASSWORD}}@"
    assert environment["NATS_URL"].split(",") == [f"{user}{node}:4222" for node in CLUSTER_NATS]
    assert environment["TOKEN_SECRETS_OLD"] == "${TOKEN_SECRETS_OLD:-}"
    missing = [name for name in required_in_production(process) if not environment.get(name)]
    assert missing == []
