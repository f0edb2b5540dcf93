"""The only code of the catalog that knows MongoDB: documents and their revisions
(`documents.py`), files in GridFS with upload pieces and extracted texts (`files.py`).

The search side reads the same collections through its own `search/store.py`.
"""

from __future__ import annotations

from services.catalog.store.documents import DOCUMENTS, DocumentStore
from services.catalog.store.files import FileStore
from shared.db import IndexSpec

__all__ = ["DOCUMENTS", "INDEXES", "DocumentStore", "FileStore"]

INDEXES: list[IndexSpec] = [*DocumentStore.indexes(), *FileStore.indexes()]
"""Every index the catalog's own collections need (search declares its own)."""
