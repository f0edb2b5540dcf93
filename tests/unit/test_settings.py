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


def test_nats_url_may_name_every_node_of_a_cluster() -> None:
    from shared.broker import inbox_prefix

    nodes = ["nats://gateway:pw@nats-1:4222", "nats://gateway:pw@nats-2:4222",
             "nats://gateway:pw@nats-3:4222"]
    settings = Settings(nats_url=" , ".join(nodes))
    assert settings.nats_servers() == nodes
    assert inbox_prefix(settings) == "_INBOX_gateway"
    assert Settings(nats_url=None).nats_servers() == ["nats://127.0.0.1:4222"]


def test_streams_have_as_many_replicas_as_configured() -> None:
    from shared.streams import service_stream, stream_config

    spec = service_stream("registration")
    assert stream_config(spec, Settings()).num_replicas == 1
    assert stream_config(spec, Settings(stream_replicas=3)).num_replicas == 3


def test_a_service_prefix_overrides_the_shared_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGO_URL", "mongodb://shared")
    monkeypatch.setenv("CATALOG_MONGO_URL", "mongodb://catalog-only")
    monkeypatch.setenv("CATALOG_LOG_LEVEL", "DEBUG")
    assert settings_for("catalog").mongo_url == "mongodb://catalog-only"
    assert settings_for("catalog").log_level == "DEBUG"
    assert settings_for("notify").mongo_url == "mongodb://shared"


def test_a_service_prefix_overrides_its_own_settings_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from services.gateway.settings import GatewaySettings
    from services.notify.settings import SmtpSettings

    monkeypatch.setenv("RPC_TIMEOUT", "3")
    monkeypatch.setenv("GATEWAY_RPC_TIMEOUT", "5")
    monkeypatch.setenv("SMTP_HOST", "mail.shared.example")
    monkeypatch.setenv("NOTIFY_SMTP_HOST", "mail.notify.example")
    assert settings_for("gateway", GatewaySettings).rpc_timeout == 5.0
    assert settings_for("registration", GatewaySettings).rpc_timeout == 3.0
    assert settings_for("notify", SmtpSettings).smtp_host == "mail.notify.example"
    assert SmtpSettings().smtp_host == "mail.shared.example"


def test_the_shared_settings_hold_nothing_of_one_service() -> None:
    from services.gateway.settings import GatewaySettings
    from services.notify.settings import SmtpSettings

    own = set(GatewaySettings.model_fields) | set(SmtpSettings.model_fields)
    assert own & set(Settings.model_fields) == set()


def test_trusted_proxies_are_a_comma_separated_list() -> None:
    from services.gateway.settings import GatewaySettings

    assert GatewaySettings(trusted_proxies="").trusted_proxy_list() == []
    assert GatewaySettings(trusted_proxies=" 10.0.0.0/8, ,127.0.0.1,").trusted_proxy_list() == [
        "10.0.0.0/8", "127.0.0.1"]


def test_the_harvesters_address_falls_back_to_the_senders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from services.catalog.settings import CatalogSettings

    for name in ("CATALOG_ADMIN_EMAIL", "SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    assert CatalogSettings().admin_email == "dialogues@ingp.invalid"
    monkeypatch.setenv("SMTP_FROM", "INGP Virtual Dialogues <mail@ingp.example>")
    assert CatalogSettings().admin_email == "mail@ingp.example"
    monkeypatch.setenv("CATALOG_ADMIN_EMAIL", "repository@ingp.example")
    assert CatalogSettings().admin_email == "repository@ingp.example"


def test_readme_documents_every_variable() -> None:
    from cli.config import SETTINGS_CLASSES

    readme = README.read_text()
    missing = [variable for cls in SETTINGS_CLASSES
               for variable, _, _ in describe(cls) if f"`{variable}`" not in readme]
    assert missing == []


def test_dialogues_config_lists_every_settings_class() -> None:
    import services
    from cli.config import SETTINGS_CLASSES

    listed = {cls.__module__ for cls in SETTINGS_CLASSES}
    modules = {f"services.{path.parent.name}.settings"
               for path in Path(services.__file__).parent.glob("*/settings.py")}
    assert listed == {"shared.settings", *modules}


def test_the_retention_period_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.registration.settings import RegistrationSettings

    assert RegistrationSettings().retention_days == 730
    monkeypatch.setenv("REGISTRATION_RETENTION_DAYS", "365")
    assert RegistrationSettings().retention_days == 365
    monkeypatch.setenv("REGISTRATION_RETENTION_DAYS", "0")
    with pytest.raises(ValueError, match="retention_days"):
        RegistrationSettings()
