"""Which files the repository accepts, told by their content rather than their name."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Final

import filetype  # type: ignore[import-untyped]

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
"""Largest file kept (20 MiB): recordings beyond it belong on a media platform, linked."""

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX: Final = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT: Final = "application/vnd.oasis.opendocument.text"
TXT: Final = "text/plain"
MD: Final = "text/markdown"
MP4: Final = "video/mp4"
MP3: Final = "audio/mpeg"
ALLOWED: Final = (PDF, DOCX, PPTX, ODT, TXT, MD, MP4, MP3)
TEXT_BEARING: Final = (PDF, DOCX, TXT, MD)


def sniff(data: bytes, name: str) -> str | None:
    """The allowed content type of `data`, or None if it is none of them.

    The name only tells Markdown from plain text, which content cannot.
    """
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return {"video/mp4": MP4, "audio/mpeg": MP3}.get(kind.mime)
    if is_text(data):
        return MD if name.lower().endswith((".md", ".markdown")) else TXT
    return None


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "ppt/presentation.xml" in names:
                return PPTX
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def is_text(data: bytes) -> bool:
    """UTF-8 text without control characters other than tab and line ends."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and not any(
        ord(c) < 32 and c not in "\t\n\r\f" for c in text[:65536])


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of the content, which names the stored blob."""
    return hashlib.sha256(data).hexdigest()


def file_id_for(document_id: str, sha256: str) -> str:
    """One id per (document, content): uploading the same bytes again finds the same file."""
    return hashlib.sha256(f"{document_id}\0{sha256}".encode()).hexdigest()[:32]
