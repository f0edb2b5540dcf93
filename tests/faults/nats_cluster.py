"""Three nats-server processes clustered with JetStream, for the fault tests: each node on its
own client port, cluster port and store folder, any one of them killed and started again.

The nodes are ordinary `shared.servers.start_nats` servers with a configuration file that names
the node and routes it to the others (deploy/nats-cluster.conf is the same shape for compose).
A node accepts clients before the cluster has elected its JetStream meta leader, so `start`
waits until every node answers a JetStream request.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nats
import nats.errors
import nats.js.errors

from shared.servers import LocalServer, free_port, start_nats

CLUSTER_NAME = "dialogues-faults"
READY_TIMEOUT_S = 30.0


def node_config(name: str, cluster_port: int, route_ports: list[int]) -> str:
    """One node's configuration: its name, its cluster port, routes to every node (a route to
    itself is recognised and dropped by the server, so all nodes share one list)."""
    routes = ", ".join(f"nats-route://127.0.0.1:{port}" for port in route_ports)
    return (f"server_name: {name}\n"
            f"cluster {{\n  name: {CLUSTER_NAME}\n  listen: 127.0.0.1:{cluster_port}\n"
            f"  routes: [{routes}]\n}}\n")


@dataclass
class NatsCluster:
    """The nodes of one cluster, by index; `url` names them all, as NATS_URL does."""

    root: Path
    client_ports: list[int]
    cluster_ports: list[int]
    nodes: list[LocalServer | None] = field(default_factory=list)

    @classmethod
    def start(cls, root: Path, size: int = 3) -> NatsCluster:
        """Start `size` clustered nodes and wait until JetStream answers on each."""
        cluster = cls(root, [free_port() for _ in range(size)],
                      [free_port() for _ in range(size)], [None] * size)
        for index in range(size):
            cluster.start_node(index, wait=False)
        cluster.wait_for_jetstream()
        return cluster

    @property
    def url(self) -> str:
        return ",".join(self.urls)

    @property
    def urls(self) -> list[str]:
        return [f"nats://127.0.0.1:{port}" for port in self.client_ports]

    def name(self, index: int) -> str:
        return f"node{index}"

    def index_of(self, name: str) -> int:
        return int(name.removeprefix("node"))

    def start_node(self, index: int, *, wait: bool = True) -> None:
        """Start (or start again, on the same ports and store) one node."""
        folder = self.root / self.name(index)
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "node.conf"
        config.write_text(node_config(self.name(index), self.cluster_ports[index],
                                      self.cluster_ports))
        self.nodes[index] = start_nats(folder, self.client_ports[index], config=config)
        if wait:
            self.wait_for_jetstream()

    def kill_node(self, index: int) -> None:
        """SIGKILL one node, as a crashed host would go."""
        node = self.nodes[index]
        if node is not None:
            node.kill()

    def kill(self) -> None:
        """SIGKILL every node (the end of a test)."""
        for index in range(len(self.nodes)):
            self.kill_node(index)

    def live_urls(self) -> list[str]:
        return [url for url, node in zip(self.urls, self.nodes, strict=True)
                if node is not None and node.process.poll() is None]

    def wait_for_jetstream(self, timeout: float = READY_TIMEOUT_S) -> None:
        """Until every live node answers a JetStream request (a meta leader is elected).

        Synchronous, like the rest of the stack's start, and called from async tests: the
        polling runs in a thread with an event loop of its own."""
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, self._until_jetstream_answers(timeout)).result()

    async def _until_jetstream_answers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for url in self.live_urls():
            while not await jetstream_answers(url):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JetStream not ready on {url} within {timeout:g} s")
                await asyncio.sleep(0.1)


async def jetstream_answers(url: str) -> bool:
    """Whether the node at `url` answers a JetStream account request."""
    try:
        connection = await nats.connect(url, max_reconnect_attempts=0, connect_timeout=1,
                                        allow_reconnect=False)
    except (OSError, nats.errors.Error):
        return False
    try:
        await connection.jetstream(timeout=1).account_info()
        return True
    except (TimeoutError, nats.errors.Error):
        return False
    finally:
        await connection.close()


async def stream_leader(urls: list[str], stream: str) -> str:
    """The name of the node that leads `stream` now (STREAM.INFO's cluster.leader)."""
    connection = await nats.connect(urls, max_reconnect_attempts=2, connect_timeout=2)
    try:
        info = await connection.jetstream(timeout=2).stream_info(stream)
    finally:
        await connection.close()
    assert info.cluster is not None and info.cluster.leader, f"{stream} has no leader"
    return info.cluster.leader


async def replicas_current(urls: list[str], stream: str) -> dict[str, bool]:
    """Each follower of `stream` by name: whether it is current (has caught up)."""
    connection = await nats.connect(urls, max_reconnect_attempts=2, connect_timeout=2)
    try:
        info = await connection.jetstream(timeout=2).stream_info(stream)
    finally:
        await connection.close()
    assert info.cluster is not None
    return {peer.name: bool(peer.current and not peer.offline)
            for peer in info.cluster.replicas or [] if peer.name}
