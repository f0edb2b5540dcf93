"""Settings of the notify service alone: its mail server (`SMTP_*`) and how it sends
(`NOTIFY_*`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmtpSettings(BaseSettings):
    """The mail server and the sender's addresses; variables are `SMTP_<FIELD>`.

    Read with `settings_for("notify", SmtpSettings)`, so `NOTIFY_SMTP_HOST` overrides
    `SMTP_HOST` as `NOTIFY_MONGO_URL` overrides `MONGO_URL`.
    """

    # Errors never echo values: the input holds the SMTP password.
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

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


class NotifySettings(BaseSettings):
    """Reminders, sending pace, retries, leases and retention."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", frozen=True)

    reminder_offsets_minutes: tuple[int, ...] = Field(
        (24 * 60, 60), description="Reminders go this many minutes before a session starts."
    )
    # Above the 100 registrations a second of a popular opening, with room for bursts; lower
    # it to what the SMTP relay allows.
    send_rate: float = Field(150.0, gt=0, description="Most mails one replica sends per second.")
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
    sweep_seconds: float = Field(
        5.0, gt=0, description="How often a replica looks through the delivery log for due "
        "mail it was not handed: queued by a replica that died, or whose lease ran out.")
    digest_poll_seconds: float = Field(
        60.0, gt=0, description="How often to look for a due daily or weekly digest.")
    smtp_timeout: float = Field(20.0, gt=0, description="Seconds one SMTP exchange may take.")
    # A recording and its presentations are often published minutes apart: one mail for all.
    materials_gather_seconds: float = Field(
        300.0, gt=0, description="Materials of a session published within this many seconds "
        "of its first go out together: one mail to each registrant and attendee, once.")
    retention_days: int = Field(
        365, ge=1, le=3650, description="Days after a mail's last attempt before its address "
        "and rendered message are erased (the record and the address's hash stay), and after "
        "a session ended before its audience is forgotten.")
