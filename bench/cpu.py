"""CPU time spent by processes during a measured stretch, from /proc (Linux).

On a small shared machine throughput is bounded by CPU: the CPU milliseconds each operation
costs in this process (the services and gateway run in-process) and in the MongoDB stand-in
say where the time goes, whatever else the machine is doing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK


@dataclass
class CpuMeter:
    """CPU seconds of named processes between `start()` and `stop()`."""

    pids: dict[str, int]
    started: dict[str, float] = field(default_factory=dict)

    def start(self) -> None:
        self.started = {name: cpu_seconds(pid) for name, pid in self.pids.items()}

    def per_operation_ms(self, operations: int) -> dict[str, float]:
        """CPU milliseconds per operation of each process since `start()`."""
        return {name: round((cpu_seconds(pid) - self.started[name]) * 1000 / operations, 2)
                for name, pid in self.pids.items()}
