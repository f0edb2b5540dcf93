"""An opt-in log of MongoDB commands, to find what polls at idle (bench/idle.py --commands).

Set MONGO_COMMAND_LOG to a file: every process appends one line per command with its pid,
database and collection, command name, the SHAPE of its filter (keys and operators kept,
every value replaced by its type name: filters hold e-mails and names) and its duration.
Off by default; nothing is registered unless the variable is set.
"""

from __future__ import annotations

import os
from typing import Any

from pymongo import monitoring


def shape(value: Any) -> Any:
    """A filter with its keys and operators kept and every value replaced by its type name."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value[:1]]
    return type(value).__name__


class CommandLog(monitoring.CommandListener):
    """Appends `<pid> <db>.<collection> <command> <filter shape> <ms>ms` to `path`."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._started: dict[int, str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        command, name = event.command, event.command_name
        target = command.get(name)
        first = (command.get("updates") or command.get("deletes") or [{}])[0]
        query = command.get("filter", command.get("query", first.get("q")))
        self._started[event.request_id] = (
            f"{os.getpid()} {event.database_name}.{target if isinstance(target, str) else ''} "
            f"{name} {shape(query)}")

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._write(event.request_id, event.duration_micros)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._write(event.request_id, event.duration_micros)

    def _write(self, request_id: int, micros: int) -> None:
        line = self._started.pop(request_id, None)
        if line is not None:
            with open(self._path, "a") as log:
                log.write(f"{line} {micros / 1000:.1f}ms\n")


def command_log() -> list[monitoring.CommandListener]:
    """The listener if MONGO_COMMAND_LOG names a file, else none."""
    path = os.environ.get("MONGO_COMMAND_LOG")
    return [CommandLog(path)] if path else []
