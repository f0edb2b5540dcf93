"""The catalog's own settings: `CatalogSettings` from `CATALOG_*` variables, and fixed values
(the shared `Settings` hold what every process reads; `CATALOG_<VARIABLE>` overrides those)."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from typing import Final

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ABANDONED_UPLOAD_AFTER: Final = timedelta(hours=1)
"""Pieces of an upload started longer ago than this and never committed are dropped."""
UPLOAD_SWEEP_EVERY: Final = 600.0
"""Seconds between two sweeps for abandoned upload pieces."""
SEARCH_TIMEOUT: Final = 2.0
"""Seconds one search may take; slower ones answer `unavailable` instead of piling up."""
CONCURRENT_SEARCHES: Final = 4
"""Searches one process runs at once (each in a worker thread)."""
DEFAULT_ADMIN_EMAIL: Final = "dialogues@ingp.invalid"


class CatalogSettings(BaseSettings):
    """What the catalog tells harvesters about itself; variables are `CATALOG_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore", frozen=True,
                                      populate_by_name=True)

    # Before this setting existed the address came from SMTP_FROM: a deployment that set
    # only that keeps announcing the same address.
    admin_email: str = Field(
        DEFAULT_ADMIN_EMAIL, validation_alias=AliasChoices("CATALOG_ADMIN_EMAIL", "SMTP_FROM"),
        description="Address OAI-PMH harvesters are given to reach the repository's "
        "administrator (`adminEmail`). Unset: the address of SMTP_FROM, if set.")

    recording_sources: frozenset[str] = Field(
        frozenset({"integration"}),
        description="NATS users (subject sources) whose `ingest.catalog.<source>.recording.v1` "
        "the catalog takes as session recordings: the webinar platform's. A JSON list.")

    @field_validator("admin_email")
    @classmethod
    def _address_only(cls, value: str) -> str:
        # SMTP_FROM reads `Name <address>`; OAI-PMH wants the bare address.
        return parseaddr(value)[1] or DEFAULT_ADMIN_EMAIL
