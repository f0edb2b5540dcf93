"""Tokens as the services sign them, for tests that follow a mailed link without the mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.notify.domain.model import recipient_hash
from shared.settings import Settings
from shared.tokens import Signer


def token_for(settings: Settings, email: str, action: str, ttl: timedelta) -> str:
    """A token as notify signs it for the subscription of `email`."""
    return Signer(settings.token_secret).issue(f"sub-{recipient_hash(email)}", action,
                                               now=datetime.now(UTC), ttl=ttl)
