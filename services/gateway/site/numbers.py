"""Pages of the site (being written)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

HANDLERS: list[ControllerRouterHandler] = []
