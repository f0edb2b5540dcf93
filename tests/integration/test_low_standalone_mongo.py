"""Outside `local`, a service refuses a standalone MongoDB: its writes use `w: majority`, which
only a replica set (or a sharded cluster) makes durable. Locally the standalone stand-in is fine."""

from __future__ import annotations

import os
import subprocess
import sys

import nats
import pytest
from nats.js.errors import NotFoundError

from services.translate.bootstrap import SPEC
from shared.service import start_service
from shared.settings import Settings

pytestmark = pytest.mark.integration

PRODUCTION = {"deployment_environment": "production", "token_secret": "s" * 40}


async def test_local_runs_on_the_standalone_stand_in(settings: Settings) -> None:
    assert settings.deployment_environment == "local"
    service = await start_service(SPEC, settings)
    await service.stop()


async def test_production_refuses_a_standalone_server_before_serving(settings: Settings) -> None:
    production = settings.model_copy(update=PRODUCTION)
    with pytest.raises(Exception, match="standalone") as refused:
        await start_service(SPEC, production)
    assert "replica set" in str(refused.value)
    connection = await nats.connect(settings.effective_nats_url())
    try:
        with pytest.raises(NotFoundError):  # it stopped before declaring anything
            await connection.jetstream().stream_info("TRANSLATE")
    finally:
        await connection.close()


def test_a_production_process_says_why_and_exits(settings: Settings) -> None:
    env = {**os.environ, "DEPLOYMENT_ENVIRONMENT": "production", "TOKEN_SECRET": "s" * 40,
           "NATS_URL": settings.effective_nats_url(), "MONGO_URL": settings.effective_mongo_url(),
           "DB_PREFIX": settings.db_prefix, "OTEL_EXPORTER_OTLP_ENDPOINT": ""}
    finished = subprocess.run([sys.executable, "-m", "services.translate"], env=env,
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode != 0
    assert "standalone" in finished.stderr and "replica set" in finished.stderr
    assert "Traceback" not in finished.stderr
