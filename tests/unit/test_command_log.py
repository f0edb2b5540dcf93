"""The opt-in command log keeps a filter's shape and never one of its values."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pymongo import monitoring

from shared.command_log import CommandLog, command_log, shape

pytestmark = pytest.mark.unit


def test_a_filter_keeps_its_keys_and_operators_but_no_value() -> None:
    found = shape({"email": "ana@example.org", "status": {"$in": ["queued", "sending"]},
                   "due_ms": {"$lte": 5}})
    assert found == {"email": "str", "status": {"$in": ["str"]}, "due_ms": {"$lte": "int"}}


def test_it_is_off_unless_a_file_is_named(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.delenv("MONGO_COMMAND_LOG", raising=False)
    assert command_log() == []
    monkeypatch.setenv("MONGO_COMMAND_LOG", str(tmp_path / "commands.log"))
    assert [type(listener) for listener in command_log()] == [CommandLog]


def test_a_logged_command_names_its_collection_and_shape_only(tmp_path: Path) -> None:
    path = tmp_path / "commands.log"
    log = CommandLog(str(path))
    command = {"find": "registrations", "filter": {"email": "ana@example.org"}}
    address = ("127.0.0.1", 27017)
    log.started(monitoring.CommandStartedEvent(command, "dialogues_registration", 7, address, 7))
    log.succeeded(monitoring.CommandSucceededEvent(timedelta(microseconds=1500), {"ok": 1},
                                                   "find", 7, address, 7))
    line = path.read_text()
    assert "dialogues_registration.registrations find {'email': 'str'} 1.5ms" in line
    assert "ana@" not in line
