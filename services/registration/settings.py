"""Settings of the registration service only (`REGISTRATION_*` variables)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RegistrationSettings(BaseSettings):
    """Retention of personal data; variables are `REGISTRATION_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore", frozen=True)

    retention_days: int = Field(
        730, ge=1, le=3650,
        description="Days after a session ends before its participants' personal data is "
        "erased; the statistics survive.")
