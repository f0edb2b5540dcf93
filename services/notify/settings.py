"""Settings of the notify service alone, read from `NOTIFY_*` variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifySettings(BaseSettings):
    """Reminders, sending pace, retries and leases."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", frozen=True)

    reminder_offsets_minutes: tuple[int, ...] = Field(
        (24 * 60, 60), description="Reminders go this many minutes before a session starts."
    )
    send_rate: float = Field(20.0, gt=0, description="Most mails one replica sends per second.")
    send_concurrency: int = Field(
        8, ge=1, le=64, description="Mails one replica sends at once, each worker on its own "
        "kept-open SMTP connection.")
    smtp_idle_seconds: float = Field(
        30.0, gt=0, description="An SMTP connection unused this long is closed.")
    max_attempts: int = Field(8, ge=1, description="Sends tried before a mail is failed.")
    retry_base_seconds: float = Field(
        30.0, gt=0, description="First retry delay; doubles per attempt (capped at 1 h)."
    )
    # The stand-in compares datetimes in queries to the whole second, so leases must be
    # tens of seconds, not fractions: a lease is a promise to finish well within it.
    lease_seconds: int = Field(60, ge=5, description="How long a replica holds a claimed mail.")
    poll_seconds: float = Field(0.5, gt=0, description="Idle pause of the sender and poller.")
    digest_poll_seconds: float = Field(
        60.0, gt=0, description="How often to look for a due daily or weekly digest.")
    smtp_timeout: float = Field(20.0, gt=0, description="Seconds one SMTP exchange may take.")
