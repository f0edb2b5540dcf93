"""The rules of staff sign-in: links, sessions, where to go next, the menu and the audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.staff import rules
from services.gateway.staff.audit import Actor, actor_of, ids_of, is_audited
from services.gateway.staff.nav import DESKS, visible_to

pytestmark = pytest.mark.unit

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_secrets_are_random_and_stored_hashed() -> None:
    first, second = rules.new_secret(), rules.new_secret()
    assert first != second and len(first) >= 43
    assert rules.hashed(first) != first and len(rules.hashed(first)) == 64


def test_a_link_signs_in_once_within_its_lifetime() -> None:
    life = 15 * MINUTE
    assert rules.link_is_usable(NOW, None, NOW + 14 * MINUTE, life)
    assert not rules.link_is_usable(NOW, None, NOW + 15 * MINUTE, life)
    assert not rules.link_is_usable(NOW, NOW + MINUTE, NOW + 2 * MINUTE, life)
    assert not rules.link_is_usable(NOW + MINUTE, None, NOW, life)  # from the future


def test_a_session_ends_when_idle_or_too_old() -> None:
    idle, longest = 30 * MINUTE, timedelta(hours=12)
    alive = rules.session_is_alive
    assert alive(NOW, NOW + 5 * MINUTE, NOW + 34 * MINUTE, idle=idle, longest=longest)
    assert not alive(NOW, NOW + 5 * MINUTE, NOW + 35 * MINUTE, idle=idle, longest=longest)
    busy = NOW + timedelta(hours=12)
    assert not alive(NOW, busy - MINUTE, busy, idle=idle, longest=longest)


def test_last_seen_is_written_about_once_a_minute() -> None:
    assert not rules.worth_touching(NOW, NOW + 30 * timedelta(seconds=1), 30 * MINUTE)
    assert rules.worth_touching(NOW, NOW + MINUTE, 30 * MINUTE)


def test_only_local_paths_are_followed_after_sign_in() -> None:
    for kept in ("/staff", "/staff/sessions?status=draft"):
        assert rules.local_path(kept) == kept
    for refused in (None, "", "https://evil.example/", "//evil.example", "/\\evil.example",
                    "staff", "/x\r\nSet-Cookie: a=b"):
        assert rules.local_path(refused) == "/staff", refused


def test_too_many_links_is_a_count() -> None:
    assert not rules.too_many_links(4, 5) and rules.too_many_links(5, 5)


def test_the_menu_shows_what_a_role_may_open() -> None:
    assert visible_to("admin") == list(DESKS)
    assert [d.href for d in visible_to("translator")] == ["/staff/translations"]
    assert not any(d.href.startswith("/staff/admin") for d in visible_to("secretariat"))


def test_the_audit_records_changes_with_ids_but_no_secrets() -> None:
    assert is_audited("POST", "/v1/keys") and is_audited("DELETE", "/staff/x")
    assert not is_audited("GET", "/v1/keys") and not is_audited("POST", "/sessions/x/register")
    assert ids_of({"session_id": "s1", "token": "t"}) == {"session_id": "s1"}
    assert actor_of({}) is None
    assert actor_of({"audit_actor": Actor("account", "a1", "editor")}) == Actor(
        "account", "a1", "editor")
