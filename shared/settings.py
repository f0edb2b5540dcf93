"""Every setting of every process, read from the environment.

This class is the one place that documents each variable: `dialogues config` prints them all
with their defaults, and a test checks that README.md lists each one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("registration", "catalog", "notify", "translate")
"""The services behind the gateway, in start order."""

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"
DEFAULT_MONGO_URL = "mongodb://127.0.0.1:27017/?directConnection=true"


class Settings(BaseSettings):
    """Configuration shared by all processes; variables are upper-case field names."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    nats_url: str | None = Field(
        None, description="NATS server URL. Unset: `dialogues up` starts a local nats-server."
    )
    mongo_url: str | None = Field(
        None,
        description="MongoDB URL. Unset: `dialogues up` starts the embedded nx-27017 server.",
    )
    db_prefix: str = Field(
        "dialogues", description="Each service uses the database `<DB_PREFIX>_<service>`."
    )
    data_dir: Path = Field(
        Path(".dialogues"),
        description="Folder for the state of the embedded servers, the mail sink and logs.",
    )
    smtp_host: str | None = Field(
        None, description="SMTP server host. Unset: `dialogues up` starts a local mail sink."
    )
    smtp_port: int = Field(25, description="SMTP server port.")
    smtp_username: str | None = Field(None, description="SMTP user name, if the server asks.")
    smtp_password: str | None = Field(None, description="SMTP password, if the server asks.")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        "none", description="How to secure the SMTP connection."
    )
    smtp_from: str = Field(
        "INGP Virtual Dialogues <dialogues@ingp.invalid>", description="From: of every mail."
    )
    smtp_reply_to: str | None = Field(None, description="Reply-To: of every mail.")
    token_secret: str = Field(
        "local-development-only-not-secret",
        min_length=16,
        description="Signs the tokens mailed to participants. Set a long random value in "
        "production; `dialogues up` keeps one in DATA_DIR/secrets.",
    )
    public_base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Where the public site and the API are reached; links in e-mails use it.",
    )
    gateway_host: str = Field("127.0.0.1", description="Address the gateway listens on.")
    gateway_port: int = Field(8000, description="Port the gateway listens on (0: any free port).")
    rpc_timeout: float = Field(2.0, description="Seconds the gateway waits for a service's reply.")
    request_max_body_size: int = Field(
        1_048_576, description="Largest request body the gateway accepts, in bytes."
    )
    public_rate_limit: int = Field(
        120, description="Requests per minute one client may make to public routes."
    )
    event_duplicate_window: float = Field(
        120.0, description="Seconds JetStream remembers event ids to drop duplicate publishes."
    )
    consumer_max_deliver: int = Field(
        5, description="Deliveries of one event before it goes to the dead-letter stream."
    )
    log_level: str = Field("INFO", description="Log level of every process.")
    deployment_environment: str = Field(
        "local", description="`deployment.environment` resource attribute of telemetry."
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        None, description="OTLP endpoint; telemetry is exported only when set."
    )
    otel_exporter_otlp_protocol: Literal["http/protobuf", "grpc"] = Field(
        "http/protobuf", description="OTLP transport."
    )
    metrics_port: int | None = Field(
        None, description="Serve Prometheus `/metrics` on this port (0: any free port; "
        "unset: not served). The gateway serves `/metrics` on its own port anyway.",
    )
    metrics_host: str = Field("127.0.0.1", description="Address the metrics port listens on.")
    otel_traces_sampler_ratio: float = Field(
        1.0, ge=0.0, le=1.0, description="Share of new traces that are sampled."
    )

    def database_name(self, service: str) -> str:
        """The MongoDB database owned by `service`."""
        return f"{self.db_prefix}_{service}"

    def effective_nats_url(self) -> str:
        """The NATS URL to connect to, falling back to a local default server."""
        return self.nats_url or DEFAULT_NATS_URL

    def effective_mongo_url(self) -> str:
        """The MongoDB URL to connect to, falling back to a local default server."""
        return self.mongo_url or DEFAULT_MONGO_URL


REQUIRED_IN_PRODUCTION: dict[str, tuple[str, ...]] = {
    # Without these a process falls back to local defaults that only make sense on a laptop.
    "all": ("NATS_URL", "MONGO_URL", "TOKEN_SECRET", "PUBLIC_BASE_URL",
            "DEPLOYMENT_ENVIRONMENT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
    "notify": ("SMTP_HOST", "SMTP_PORT", "SMTP_FROM"),
    "gateway": ("GATEWAY_HOST", "GATEWAY_PORT"),
}
"""Variables a deployment must set, for every process and for some in particular."""


def required_in_production(process: str) -> tuple[str, ...]:
    """The variables a deployment must set for `process` (a service name or `gateway`)."""
    return REQUIRED_IN_PRODUCTION["all"] + REQUIRED_IN_PRODUCTION.get(process, ())


def settings_for(service: str) -> Settings:
    """Settings for one service: `<SERVICE>_<VARIABLE>` overrides `<VARIABLE>`.

    This lets one service use another MongoDB or SMTP server than the rest, e.g.
    `CATALOG_MONGO_URL`, without a settings class per service.
    """
    prefix = f"{service.upper()}_"
    overrides = {
        name: os.environ[prefix + name.upper()]
        for name in Settings.model_fields
        if prefix + name.upper() in os.environ
    }
    return Settings(**overrides)  # type: ignore[arg-type]


def describe(settings_class: type[BaseSettings] = Settings) -> list[tuple[str, str, str]]:
    """(variable, default, description) for every setting of a class, in declaration order."""
    prefix = str(settings_class.model_config.get("env_prefix", "")).upper()
    rows = []
    for name, field in settings_class.model_fields.items():
        if field.default_factory is not None:
            default = str(field.default_factory())  # type: ignore[call-arg]
        else:
            default = "" if field.default is None else str(field.default)
        rows.append((prefix + name.upper(), default, field.description or ""))
    return rows
