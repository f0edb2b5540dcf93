"""Signed, expiring tokens that e-mails carry (cancel a registration, confirm a subscription).

A token binds a subject (what it acts on) and an expiry, signed by itsdangerous (HMAC-SHA256)
with the action as the salt, so a token made for one action is refused for every other. It is
opaque to the holder but not encrypted: put ids in it, never personal data.

The expiry travels inside the signed payload and is judged against the `now` the caller
passes, not against the wall clock: itsdangerous's timed serializers stamp the signing time
from `time.time()` and want the verifier to know the maximum age, but our tokens each have
their own life (a cancel link lasts until its session ends) and tests move clocks.

Key rotation: tokens are signed with the current secret and verified with it and with every
older secret still listed (itsdangerous tries each key), so links already mailed keep working
while the old secret is listed in `TOKEN_SECRETS_OLD`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from itsdangerous import BadData, URLSafeSerializer

MIN_SECRET_LENGTH = 16


class TokenError(Exception):
    """The token cannot be used; `expired` tells a stale token (410) from a bad one (403)."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


class Signer:
    """Issues tokens under the current secret; accepts those of older secrets too."""

    def __init__(self, secret: str, older: Iterable[str] = ()) -> None:
        keys = [*older, secret]  # itsdangerous signs with the last key and tries them all
        if any(len(key) < MIN_SECRET_LENGTH for key in keys):
            raise ValueError(f"token secrets must be at least {MIN_SECRET_LENGTH} characters")
        self._serializer = URLSafeSerializer(
            keys, signer_kwargs={"digest_method": hashlib.sha256})

    def issue(self, subject: str, action: str, *, now: datetime, ttl: timedelta) -> str:
        """A token letting its holder do `action` on `subject` until `now + ttl`."""
        claims = {"sub": subject, "exp": int((now + ttl).timestamp())}
        return self._serializer.dumps(claims, salt=action)

    def verify(self, token: str, action: str, *, now: datetime) -> str:
        """The subject of a valid, unexpired token for `action`; TokenError otherwise."""
        try:
            claims = self._serializer.loads(token, salt=action)
            subject, expires = claims["sub"], int(claims["exp"])
        except (BadData, TypeError, KeyError, ValueError):
            raise TokenError("the token is not valid") from None
        if not isinstance(subject, str):
            raise TokenError("the token is not valid")
        if now.timestamp() >= expires:
            raise TokenError("the token has expired", expired=True)
        return subject
