"""Fixtures of the e2e tests: a running `dialogues up` (tests/support/up.py has the rest)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.up import Up


@pytest.fixture
def up(start_up: Callable[..., Up]) -> Up:
    """A running `dialogues up` with its own servers."""
    return start_up()
