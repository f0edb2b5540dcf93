"""Settings of the translate service only (`TRANSLATE_*` variables)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.reference import LanguageCode


class TranslateSettings(BaseSettings):
    """Engine, queue and review settings; variables are `TRANSLATE_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="TRANSLATE_", extra="ignore", frozen=True)

    engine: Literal["none", "libretranslate"] = Field(
        "none", description="Machine engine for drafts: none (human only) or libretranslate.")
    libretranslate_url: str = Field("http://127.0.0.1:5000", description="LibreTranslate base URL.")
    libretranslate_api_key: str | None = Field(None, description="LibreTranslate API key.")
    timeout: float = Field(10.0, gt=0, description="Seconds one engine request may take.")
    retries: int = Field(3, ge=1, le=10, description="Engine attempts per job before it fails.")
    retry_backoff: float = Field(0.5, ge=0, description="First retry delay, doubled each time.")
    breaker_failures: int = Field(
        5, ge=1, description="Failed jobs in a row that open the breaker.")
    breaker_reset: float = Field(30.0, gt=0, description="Seconds the breaker stays open.")
    concurrency: int = Field(4, ge=1, le=64, description="Jobs drafted at once per replica.")
    lease_minutes: float = Field(30.0, gt=0, description="How long a translator's claim lasts.")
    four_eyes: bool = Field(True, description="Whether the reviewer must not be the translator "
                            "(four-eyes review; off only where one person does both).")
    languages: list[LanguageCode] = Field(
        default_factory=lambda: list[LanguageCode](["es", "en"]),
        description="Languages every published document gets a job for.")
    default_due_days: float = Field(14.0, gt=0, description="Due date of ordinary documents.")
    session_due_days: float = Field(3.0, gt=0, description="Due date of session documents.")
    session_margin_hours: float = Field(
        24.0, ge=0, description="How long before its session starts a session document is due.")

    @property
    def drafting_budget(self) -> float:
        """Seconds one draft may take: every attempt's timeout and back-off, plus a margin.

        It is the drafter's lease on a job and, a little longer, the work queue's ack wait: a
        queued-job message redelivered after a drafter died finds the lease expired.
        """
        backoff = self.retry_backoff * ((1 << self.retries) - 1)
        return self.retries * self.timeout + backoff + 30.0
