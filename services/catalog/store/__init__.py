"""The only code of the catalog that knows MongoDB: documents and their revisions
(`documents.py`), files in GridFS with upload pieces and extracted texts (`files.py`), and the
copy of registration's sessions that materials attach to (`sessions.py`).

The search side reads the same collections through its own `search/store.py`.
"""

from __future__ import annotations

from services.catalog.store.documents import DOCUMENTS, DocumentStore
from services.catalog.store.files import FileStore
from services.catalog.store.sessions import SessionStore
from shared.db import IndexSpec

__all__ = ["DOCUMENTS", "INDEXES", "DocumentStore", "FileStore", "SessionStore"]

INDEXES: list[IndexSpec] = [*DocumentStore.indexes(), *FileStore.indexes()]
"""Every index the catalog's own collections need (search declares its own)."""
