"""The settings every process reads, from the environment, and how a process reads them.

`Settings` holds what all processes share (NATS, MongoDB, tokens, telemetry); a setting only
one service reads lives in that service's `settings.py` (SMTP in notify, listening and limits
in the gateway). Each class documents its variables: `dialogues config` prints them all with
their defaults, and a test checks that README.md lists each one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, TypeVar, overload

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("registration", "catalog", "notify", "translate", "numbers")
"""The services behind the gateway, in start order."""

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"
DEFAULT_MONGO_URL = "mongodb://127.0.0.1:27017/?directConnection=true"
DEVELOPMENT_TOKEN_SECRET = "local-development-only-not-secret"  # noqa: S105 (public on purpose)
KNOWN_EXAMPLE_SECRETS = frozenset({DEVELOPMENT_TOKEN_SECRET, "change-me-to-a-long-random-value"})
"""Secrets printed in this repository (the default, deploy/.env.example): anyone can sign with
them, so only a `local` deployment may use them."""
STRONG_SECRET_LENGTH = 32


def secret_is_weak(secret: str) -> bool:
    """Whether a token secret is public or short enough that it must not leave a laptop."""
    return secret in KNOWN_EXAMPLE_SECRETS or len(secret) < STRONG_SECRET_LENGTH


class Settings(BaseSettings):
    """Configuration shared by all processes; variables are upper-case field names."""

    # Errors never echo values: the input holds passwords and secrets.
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    nats_url: str | None = Field(
        None, description="NATS server URL, or the URLs of a cluster's nodes, comma-separated. "
        "Unset: `dialogues up` starts a local nats-server.",
    )
    mongo_url: str | None = Field(
        None,
        description="MongoDB URL. Unset: `dialogues up` starts the embedded nx-27017 server.",
    )
    mongo_timeout_ms: int = Field(
        10_000, ge=100, description="Milliseconds any one MongoDB operation may take, waiting "
        "for an unreachable server included; past it the operation fails (pymongo `timeoutMS`).",
    )
    db_prefix: str = Field(
        "dialogues", description="Each service uses the database `<DB_PREFIX>_<service>`."
    )
    data_dir: Path = Field(
        Path(".dialogues"),
        description="Folder for the state of the embedded servers, the mail sink and logs.",
    )
    token_secret: str = Field(
        DEVELOPMENT_TOKEN_SECRET,
        min_length=16,
        description="Signs the tokens mailed to participants. Outside `local` a process "
        f"refuses to start unless it is at least {STRONG_SECRET_LENGTH} characters and not a "
        "known example; `dialogues up` keeps one in DATA_DIR/secrets.",
    )
    token_secrets_old: str = Field(
        "", description="Earlier TOKEN_SECRET values, comma-separated: links they signed "
        "still work, nothing new is signed with them. Drop one once its links have expired.",
    )
    public_base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Where the public site and the API are reached; links in e-mails use it.",
    )
    event_duplicate_window: float = Field(
        120.0, description="Seconds JetStream remembers event ids to drop duplicate publishes."
    )
    stream_replicas: int = Field(
        1, ge=1, le=5, description="Copies of each JetStream stream kept by a NATS cluster "
        "(3 on a three-node cluster: a node may be lost); 1 on a single server.",
    )
    consumer_max_deliver: int = Field(
        5, description="Deliveries of one event before it goes to the dead-letter stream."
    )
    log_level: str = Field("INFO", description="Log level of every process.")
    deployment_environment: str = Field(
        "local", description="`deployment.environment` resource attribute of telemetry; any "
        "value but `local` also makes TOKEN_SECRET mandatory and refuses a standalone MongoDB "
        "(a replica set or sharded cluster is required).",
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        None, description="OTLP endpoint; telemetry is exported only when set."
    )
    otel_exporter_otlp_protocol: Literal["http/protobuf", "grpc"] = Field(
        "http/protobuf", description="OTLP transport."
    )
    metrics_port: int | None = Field(
        None, description="Serve Prometheus `/metrics` on this port (0: any free port; "
        "unset: not served). The gateway also serves `/metrics` on its own port, to admin keys.",
    )
    metrics_host: str = Field("127.0.0.1", description="Address the metrics port listens on.")
    otel_traces_sampler_ratio: float = Field(
        1.0, ge=0.0, le=1.0,
        description="Share of new traces sampled when an OTLP endpoint is set (unset: none).",
    )

    def database_name(self, service: str) -> str:
        """The MongoDB database owned by `service`."""
        return f"{self.db_prefix}_{service}"

    def effective_nats_url(self) -> str:
        """The NATS URL to connect to, falling back to a local default server."""
        return self.nats_url or DEFAULT_NATS_URL

    def nats_servers(self) -> list[str]:
        """Every NATS URL to connect to: a client connected to a cluster's node that dies
        reconnects to another of them (nats-py takes a list, not a comma-separated string)."""
        return [url.strip() for url in self.effective_nats_url().split(",") if url.strip()]

    def effective_mongo_url(self) -> str:
        """The MongoDB URL to connect to, falling back to a local default server."""
        return self.mongo_url or DEFAULT_MONGO_URL

    def older_token_secrets(self) -> tuple[str, ...]:
        """TOKEN_SECRETS_OLD as a list, oldest first as written."""
        return tuple(part.strip() for part in self.token_secrets_old.split(",") if part.strip())

    @model_validator(mode="after")
    def _refuse_public_token_secrets_outside_local(self) -> Settings:
        # Anyone who knows a token secret can cancel anyone's registration: outside a laptop
        # a known or short one must stop the process, not sign quietly.
        if self.deployment_environment == "local":
            return self
        if secret_is_weak(self.token_secret):
            raise ValueError(
                f"TOKEN_SECRET must be a random value of at least {STRONG_SECRET_LENGTH} "
                "characters, not the development default or the example, when "
                f"DEPLOYMENT_ENVIRONMENT is {self.deployment_environment!r} (only 'local' "
                "allows it); e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
        if any(secret_is_weak(old) for old in self.older_token_secrets()):
            raise ValueError(
                "TOKEN_SECRETS_OLD lists the development default, the example or a secret "
                f"shorter than {STRONG_SECRET_LENGTH} characters; outside 'local' tokens "
                "signed with it could be forged")
        return self


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


SettingsClass = TypeVar("SettingsClass", bound=BaseSettings)


@overload
def settings_for(service: str) -> Settings: ...


@overload
def settings_for(service: str, settings_class: type[SettingsClass]) -> SettingsClass: ...


def settings_for(service: str, settings_class: type[BaseSettings] = Settings) -> BaseSettings:
    """`settings_class` for one service: `<SERVICE>_<VARIABLE>` overrides `<VARIABLE>`.

    This lets one service use another MongoDB or SMTP server than the rest, e.g.
    `CATALOG_MONGO_URL` or `NOTIFY_SMTP_HOST`, without a copy of each class per service.
    Invalid settings (a public TOKEN_SECRET outside `local`, a port that is no number) stop
    the process: SystemExit with one line per problem.
    """
    prefix = f"{service.upper()}_"
    overrides = {
        name: os.environ[prefix + name.upper()]
        for name in settings_class.model_fields
        if prefix + name.upper() in os.environ
    }
    try:
        return settings_class(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        # Called as a process starts, before logging is set up: say what is wrong and stop,
        # without a traceback and without echoing any value (hide_input_in_errors).
        reasons = "\n".join(
            f"  {'_'.join(map(str, e['loc'])).upper() or 'settings'}: "
            f"{e['msg'].removeprefix('Value error, ')}" for e in error.errors())
        raise SystemExit(f"{service}: the configuration is not valid:\n{reasons}") from None


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
