"""Where a running `dialogues up` put its servers, for the other commands to find them.

`up` starts NATS and the MongoDB stand-in on free ports, so `dialogues keys` run beside it
cannot guess them: `up` writes them to `DATA_DIR/run/endpoints.json` while it runs, and the
other commands use them for every variable the environment does not set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from shared.settings import Settings, settings_for

FILE = Path("run") / "endpoints.json"
VARIABLES = ("NATS_URL", "MONGO_URL", "SMTP_HOST", "SMTP_PORT", "GATEWAY_URL")


def write_endpoints(data_dir: Path, env: dict[str, str]) -> None:
    """Record the servers the children were given (atomically)."""
    path = data_dir / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({name: env[name] for name in VARIABLES if name in env}))
    os.replace(partial, path)


def remove_endpoints(data_dir: Path) -> None:
    """Forget them when `up` stops."""
    (data_dir / FILE).unlink(missing_ok=True)


def local_settings(service: str) -> Settings:
    """Settings for a command, filled in from a running `up` where the environment is silent."""
    settings = settings_for(service)
    try:
        recorded = json.loads((settings.data_dir / FILE).read_text())
    except (OSError, ValueError):
        return settings
    updates = {
        name.lower(): value for name, value in recorded.items()
        if name in ("NATS_URL", "MONGO_URL") and getattr(settings, name.lower()) is None
    }
    return settings.model_copy(update=updates)
