"""Signed tokens: bound to subject, action and expiry; tampering and age are told apart; the
secret can be rotated without breaking the links already mailed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.domain.subscriptions import CONFIRM, UNSUBSCRIBE
from services.registration.events import CANCEL_ACTION
from services.registration.handlers.tokens import INVITE_ACTION
from shared.tokens import Signer, TokenError

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
OLD_SECRET = "the-secret-of-last-year-0123456789abcdef"
NEW_SECRET = "the-secret-of-this-year-0123456789abcdef"
signer = Signer("a-secret-of-sufficient-length")


def flip(text: str, at: int) -> str:
    """`text` with one character changed to another of the URL-safe alphabet."""
    return text[:at] + ("B" if text[at] != "B" else "C") + text[at + 1:]


def test_a_token_gives_back_its_subject_for_its_action() -> None:
    token = signer.issue("reg-1", "cancel", now=NOW, ttl=timedelta(days=30))
    assert signer.verify(token, "cancel", now=NOW + timedelta(days=29)) == "reg-1"


def test_an_expired_token_is_told_apart() -> None:
    token = signer.issue("reg-1", "cancel", now=NOW, ttl=timedelta(hours=1))
    assert signer.verify(token, "cancel", now=NOW + timedelta(minutes=59)) == "reg-1"
    with pytest.raises(TokenError) as error:
        signer.verify(token, "cancel", now=NOW + timedelta(hours=1))
    assert error.value.expired


def test_expiry_follows_the_clock_passed_in_not_the_wall_clock() -> None:
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)
    token = signer.issue("reg-1", "cancel", now=long_ago, ttl=timedelta(hours=1))
    assert signer.verify(token, "cancel", now=long_ago + timedelta(minutes=30)) == "reg-1"
    far_ahead = datetime(2090, 1, 1, tzinfo=UTC)
    token = signer.issue("reg-1", "cancel", now=far_ahead, ttl=timedelta(hours=1))
    with pytest.raises(TokenError) as error:
        signer.verify(token, "cancel", now=far_ahead + timedelta(hours=2))
    assert error.value.expired


def _tampered() -> list[str]:
    token = signer.issue("reg-1", "cancel", now=NOW, ttl=timedelta(days=1))
    other = signer.issue("reg-2", "cancel", now=NOW, ttl=timedelta(days=365))
    payload, _, signature = token.rpartition(".")
    other_payload, _, other_signature = other.rpartition(".")
    return [
        flip(token, 2),  # the payload
        flip(token, len(payload) + 5),  # the signature
        f"{other_payload}.{signature}",  # another subject and expiry under this signature
        f"{payload}.{other_signature}",
        "x" + token, payload, "", "....", "é." + signature,
    ]


@pytest.mark.parametrize("tampered", _tampered())
def test_a_tampered_token_is_refused(tampered: str) -> None:
    with pytest.raises(TokenError) as error:
        signer.verify(tampered, "cancel", now=NOW)
    assert not error.value.expired


@pytest.mark.parametrize(("issued_for", "used_for"), [
    (CANCEL_ACTION, UNSUBSCRIBE), (UNSUBSCRIBE, CANCEL_ACTION), (CONFIRM, UNSUBSCRIBE),
    (UNSUBSCRIBE, CONFIRM), (INVITE_ACTION, CANCEL_ACTION),
])
def test_a_token_works_for_its_own_action_only(issued_for: str, used_for: str) -> None:
    # The same id can name both a registration and a session: the action salts the signature.
    token = signer.issue("same-id", issued_for, now=NOW, ttl=timedelta(days=1))
    assert signer.verify(token, issued_for, now=NOW) == "same-id"
    with pytest.raises(TokenError) as error:
        signer.verify(token, used_for, now=NOW)
    assert not error.value.expired


def test_a_token_of_another_secret_is_refused() -> None:
    token = signer.issue("sub-1", CONFIRM, now=NOW, ttl=timedelta(days=1))
    with pytest.raises(TokenError):
        Signer("another-secret-of-enough-length").verify(token, CONFIRM, now=NOW)


def test_a_token_of_an_older_secret_works_while_that_secret_is_listed() -> None:
    mailed_last_year = Signer(OLD_SECRET).issue("reg-1", CANCEL_ACTION, now=NOW,
                                                ttl=timedelta(days=30))
    rotated = Signer(NEW_SECRET, [OLD_SECRET])
    assert rotated.verify(mailed_last_year, CANCEL_ACTION, now=NOW) == "reg-1"
    with pytest.raises(TokenError) as error:
        Signer(NEW_SECRET).verify(mailed_last_year, CANCEL_ACTION, now=NOW)
    assert not error.value.expired


def test_new_tokens_are_signed_with_the_current_secret_only() -> None:
    token = Signer(NEW_SECRET, [OLD_SECRET]).issue("reg-1", CANCEL_ACTION, now=NOW,
                                                   ttl=timedelta(days=30))
    assert Signer(NEW_SECRET).verify(token, CANCEL_ACTION, now=NOW) == "reg-1"
    with pytest.raises(TokenError):
        Signer(OLD_SECRET).verify(token, CANCEL_ACTION, now=NOW)


def test_an_older_secret_does_not_stretch_a_tokens_life() -> None:
    token = Signer(OLD_SECRET).issue("reg-1", CANCEL_ACTION, now=NOW, ttl=timedelta(hours=1))
    with pytest.raises(TokenError) as error:
        Signer(NEW_SECRET, [OLD_SECRET]).verify(token, CANCEL_ACTION,
                                                now=NOW + timedelta(hours=1))
    assert error.value.expired


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        Signer("short")
    with pytest.raises(ValueError, match="at least 16"):
        Signer(NEW_SECRET, ["short"])
