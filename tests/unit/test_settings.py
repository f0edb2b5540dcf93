"""Settings: defaults, per-service overrides, and one documented table of variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.settings import Settings, describe, settings_for

pytestmark = pytest.mark.unit

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NATS_URL", "MONGO_URL", "DB_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.effective_nats_url().startswith("nats://")
    assert "directConnection=true" in settings.effective_mongo_url()
    assert settings.database_name("catalog") == "dialogues_catalog"


def test_a_service_prefix_overrides_the_shared_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGO_URL", "mongodb://shared")
    monkeypatch.setenv("CATALOG_MONGO_URL", "mongodb://catalog-only")
    monkeypatch.setenv("CATALOG_RPC_TIMEOUT", "5")
    assert settings_for("catalog").mongo_url == "mongodb://catalog-only"
    assert settings_for("catalog").rpc_timeout == 5.0
    assert settings_for("notify").mongo_url == "mongodb://shared"


def test_readme_documents_every_variable() -> None:
    from services.notify.settings import NotifySettings
    from services.registration.settings import RegistrationSettings
    from services.translate.settings import TranslateSettings

    readme = README.read_text()
    missing = [variable for cls in (Settings, RegistrationSettings, TranslateSettings,
                                    NotifySettings)
               for variable, _, _ in describe(cls) if f"`{variable}`" not in readme]
    assert missing == []


def test_the_retention_period_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.registration.settings import RegistrationSettings

    assert RegistrationSettings().retention_days == 730
    monkeypatch.setenv("REGISTRATION_RETENTION_DAYS", "365")
    assert RegistrationSettings().retention_days == 365
    monkeypatch.setenv("REGISTRATION_RETENTION_DAYS", "0")
    with pytest.raises(ValueError, match="retention_days"):
        RegistrationSettings()
