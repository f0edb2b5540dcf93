"""Signed tokens: bound to subject, action and expiry; tampering and age are told apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.tokens import Signer, TokenError

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
signer = Signer("a-secret-of-sufficient-length")


def test_a_token_gives_back_its_subject_for_its_action() -> None:
    token = signer.issue("reg-1", "cancel", now=NOW, ttl=timedelta(days=30))
    assert signer.verify(token, "cancel", now=NOW + timedelta(days=29)) == "reg-1"


def test_an_expired_token_is_told_apart() -> None:
    token = signer.issue("reg-1", "cancel", now=NOW, ttl=timedelta(hours=1))
    with pytest.raises(TokenError) as error:
        signer.verify(token, "cancel", now=NOW + timedelta(hours=1))
    assert error.value.expired


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
    lambda t: "x" + t,
    lambda t: t.split(".")[0],
    lambda t: "",
    lambda t: "....",
])
def test_a_tampered_token_is_refused(tamper: object) -> None:
    token = signer.issue("reg-1", "cancel", now=NOW, ttl=timedelta(days=1))
    with pytest.raises(TokenError) as error:
        signer.verify(tamper(token), "cancel", now=NOW)  # type: ignore[operator]
    assert not error.value.expired


def test_a_token_for_another_action_or_secret_is_refused() -> None:
    token = signer.issue("sub-1", "confirm_subscription", now=NOW, ttl=timedelta(days=1))
    with pytest.raises(TokenError):
        signer.verify(token, "unsubscribe", now=NOW)
    with pytest.raises(TokenError):
        Signer("another-secret-of-enough-length").verify(token, "confirm_subscription", now=NOW)
