"""Settings of the gateway alone: where it listens, how long and how much it waits for the
services, and what it accepts from clients. Variables keep their names (`GATEWAY_PORT`,
`RPC_TIMEOUT`, ...); read with `settings_for("gateway", GatewaySettings)`, so
`GATEWAY_<VARIABLE>` overrides `<VARIABLE>` as for the shared settings."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    """Listening address, RPC waits and queues, body size, rate limit, trusted proxies, and
    staff sign-in (link and session lifetimes, the optional OpenID Connect provider)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    gateway_host: str = Field("127.0.0.1", description="Address the gateway listens on.")
    gateway_port: int = Field(8000, description="Port the gateway listens on (0: any free port).")
    rpc_timeout: float = Field(
        2.0, gt=0, description="Seconds the gateway waits for a service's reply, counted "
        "from when the request is sent (time waiting in the gateway's queue is not counted).")
    rpc_concurrency: int = Field(
        32, ge=1, description="Requests the gateway keeps in flight to each service; more "
        "wait in its queue (per gateway process).")
    rpc_queue: int = Field(
        1000, ge=0, description="Requests that may wait for each service in the gateway's "
        "queue; once it is full, more are answered 503 with Retry-After.")
    rpc_queue_wait: float = Field(
        7.0, gt=0, description="Seconds a request may wait in that queue before it is "
        "answered 503 with Retry-After (the longest answer is about this plus RPC_TIMEOUT).")
    request_max_body_size: int = Field(
        1_048_576, description="Largest request body the gateway accepts, in bytes."
    )
    public_rate_limit: int = Field(
        120, description="Requests per minute one client may make to public routes."
    )
    trusted_proxies: str = Field(
        "", description="Reverse proxies (addresses or networks, comma-separated) whose "
        "X-Forwarded-For and X-Forwarded-Proto the gateway believes; empty: none, the peer "
        "address is the client's.",
    )
    staff_link_minutes: int = Field(
        15, ge=1, le=120, description="Minutes a mailed staff sign-in link stays usable "
        "(once).")
    staff_links_per_hour: int = Field(
        5, ge=1, description="Sign-in links one staff address may be sent per hour; more "
        "requests are answered alike and send nothing.")
    staff_idle_minutes: int = Field(
        30, ge=1, description="Minutes of inactivity after which a staff sign-in session "
        "ends.")
    staff_session_hours: int = Field(
        12, ge=1, description="Hours after sign-in at which a staff session ends however "
        "busy it is.")
    staff_oidc_issuer: str = Field(
        "", description="Issuer URL of an OpenID Connect provider staff may also sign in "
        "with (its discovery document is read from `/.well-known/openid-configuration`); "
        "empty: mailed links only.")
    staff_oidc_client_id: str = Field(
        "", description="The gateway's client id at that provider.")
    staff_oidc_client_secret: SecretStr = Field(
        SecretStr(""), description="The gateway's client secret at that provider.")
    staff_oidc_name: str = Field(
        "", description="The provider's name on the sign-in button (\"Sign in with ...\"); "
        "empty: the issuer's host name.")

    def trusted_proxy_list(self) -> list[str]:
        """TRUSTED_PROXIES as a list; empty when no proxy is trusted."""
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]
