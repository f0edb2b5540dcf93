"""Routes of the translate service: translation jobs, glossary and translation statistics."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
