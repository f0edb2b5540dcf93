"""Text out of the files that carry it: PDF (pypdf), DOCX (python-docx), plain text."""

from __future__ import annotations

import io
import logging
from typing import Final

from services.catalog.domain.files import DOCX, MD, PDF, TXT

log = logging.getLogger(__name__)

MAX_TEXT_CHARS: Final = 2_000_000


def extract_text(data: bytes, content_type: str) -> str | None:
    """The text of a file, or None if its type carries none or it cannot be read.

    CPU-bound: call it in a worker thread.
    """
    try:
        if content_type == PDF:
            text = _pdf_text(data)
        elif content_type == DOCX:
            text = _docx_text(data)
        elif content_type in (TXT, MD):
            text = data.decode("utf-8")
        else:
            return None
    except Exception as error:  # a damaged file is still kept; it just yields no text
        log.warning("text extraction failed", extra={"error": type(error).__name__})
        return None
    return text[:MAX_TEXT_CHARS].strip() or None


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs)
