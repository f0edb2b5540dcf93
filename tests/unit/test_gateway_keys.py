"""API key format, hashing and checking (services.gateway.keys), and how requests present them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.auth import presented_key
from services.gateway.keys import ROLES, as_role, hash_key, key_id_of, key_matches, new_key

pytestmark = pytest.mark.unit


NOW = datetime(2026, 5, 4, 3, 2, 1, 987654, tzinfo=UTC)
KEY_ID = "0123456789abcdef0123"


def test_a_new_key_names_its_id_and_carries_a_256_bit_secret() -> None:
    key_id, key = new_key(NOW)
    prefix, found_id, secret = key.split("_", 2)
    assert (prefix, found_id) == ("dlg", key_id)
    assert len(key_id) == 20
    assert len(secret) >= 43  # token_urlsafe(32): 32 random bytes, base64url


def test_new_keys_differ_even_in_the_same_millisecond() -> None:
    keys = [new_key(NOW) for _ in range(100)]
    assert len({key_id for key_id, _ in keys}) == 100
    assert len({key for _, key in keys}) == 100


def test_key_ids_sort_in_creation_order() -> None:
    earlier, _ = new_key(NOW)
    later, _ = new_key(NOW + timedelta(milliseconds=1))
    assert earlier < later
    assert int(earlier[:12], 16) == int(NOW.timestamp() * 1000)


def test_the_key_id_is_read_back_from_a_key() -> None:
    key_id, key = new_key(NOW)
    assert key_id_of(key) == key_id
    assert key_id_of(f"dlg_{KEY_ID}_secret_with_underscores") == KEY_ID


@pytest.mark.parametrize("presented", [
    "", "dlg", f"dlg_{KEY_ID}", f"dlg_{KEY_ID}_", f"xyz_{KEY_ID}_s", f"dlg_{KEY_ID.upper()}_s",
    f"dlg_{KEY_ID[:-1]}_s", f"dlg_{KEY_ID}0_s", f"dlg_{KEY_ID[:-1]}g_s", f"Bearer dlg_{KEY_ID}_s",
])
def test_strings_not_shaped_like_a_key_have_no_key_id(presented: str) -> None:
    assert key_id_of(presented) is None


def test_the_stored_hash_is_sha256_hex_and_never_the_key() -> None:
    _, key = new_key(NOW)
    digest = hash_key(key)
    assert len(digest) == 64 and digest == hash_key(key)
    assert key not in digest


def test_only_the_exact_key_matches_its_hash() -> None:
    _, key = new_key(NOW)
    stored = hash_key(key)
    assert key_matches(key, stored)
    assert not key_matches(key[:-1], stored)
    assert not key_matches(key + "x", stored)


def test_roles_are_the_five_of_the_design() -> None:
    assert set(ROLES) == {"admin", "secretariat", "editor", "translator", "integration"}
    assert as_role("editor") == "editor"
    assert as_role("emperor") is None


@pytest.mark.parametrize(("headers", "expected"), [
    ({"authorization": "Bearer k1"}, "k1"),
    ({"authorization": "bearer   k1  "}, "k1"),
    ({"x-api-key": "k2"}, "k2"),
    ({"authorization": "Bearer k1", "x-api-key": "k2"}, "k1"),
    ({"authorization": "Basic dXNlcjpwYXNz", "x-api-key": "k2"}, "k2"),
    ({"authorization": "Bearer "}, None),
    ({"x-api-key": "  "}, None),
    ({}, None),
])
def test_a_key_travels_as_bearer_or_x_api_key(
    headers: dict[str, str], expected: str | None
) -> None:
    assert presented_key(headers) == expected
