"""The registration service's rules and models: pure, no I/O.

Sessions and registrations are kept as the documents they are stored as (`Document`, the same
shape as `shared.db.Document`, without importing the database driver)."""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]
