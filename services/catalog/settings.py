"""The catalog's own settings: fixed values for now, none read from the environment (the
shared `Settings` hold what every process reads; `CATALOG_<VARIABLE>` overrides those)."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

ABANDONED_UPLOAD_AFTER: Final = timedelta(hours=1)
"""Pieces of an upload started longer ago than this and never committed are dropped."""
UPLOAD_SWEEP_EVERY: Final = 600.0
"""Seconds between two sweeps for abandoned upload pieces."""
SEARCH_TIMEOUT: Final = 2.0
"""Seconds one search may take; slower ones answer `unavailable` instead of piling up."""
CONCURRENT_SEARCHES: Final = 4
"""Searches one process runs at once (each in a worker thread)."""
