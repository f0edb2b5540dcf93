"""Signed, expiring tokens that e-mails carry (cancel a registration, confirm a subscription).

A token binds a subject (what it acts on), an action and an expiry, signed with HMAC-SHA256
under `TOKEN_SECRET`. It is opaque to the holder and cannot be altered or reused for another
action. Tokens are not encrypted: put ids in them, never personal data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta


class TokenError(Exception):
    """The token cannot be used; `expired` tells a stale token (410) from a bad one (403)."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Issues and checks tokens under one secret."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise ValueError("TOKEN_SECRET must be at least 16 characters")
        self._key = hashlib.sha256(secret.encode()).digest()

    def _signature(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:24])

    def issue(self, subject: str, action: str, *, now: datetime, ttl: timedelta) -> str:
        """A token letting its holder do `action` on `subject` until `now + ttl`."""
        claims = {"sub": subject, "act": action, "exp": int((now + ttl).timestamp())}
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{payload}.{self._signature(payload)}"

    def verify(self, token: str, action: str, *, now: datetime) -> str:
        """The subject of a valid, unexpired token for `action`; TokenError otherwise."""
        payload, _, signature = token.partition(".")
        # As bytes: compare_digest raises TypeError on str with non-ASCII characters.
        expected = self._signature(payload).encode()
        if not payload or not hmac.compare_digest(signature.encode(), expected):
            raise TokenError("the token is not valid")
        try:
            claims = json.loads(_unb64(payload))
            subject, granted, expires = claims["sub"], claims["act"], int(claims["exp"])
        except (ValueError, KeyError, TypeError):
            raise TokenError("the token is not valid") from None
        if granted != action or not isinstance(subject, str):
            raise TokenError("the token is not for this action")
        if now.timestamp() >= expires:
            raise TokenError("the token has expired", expired=True)
        return subject
