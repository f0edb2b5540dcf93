"""`dialogues import PATH...`: plain-text, Markdown and PDF files become published documents.

It talks to a running catalog over the bus (`rpc.catalog.*`), as the gateway does, so it works
beside `dialogues up`. For each file: skip it if its exact content is already stored, read its
text, detect its language, take metadata from an optional sidecar JSON (`report.pdf.json` or
`report.json`), create the document, attach the file, publish.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, TypeVar

from faststream.nats import NatsBroker
from pydantic import BaseModel, ValidationError

from cli.endpoints import local_settings
from services.catalog.domain.files import MAX_FILE_BYTES, PDF, sniff
from services.catalog.extract import extract_text
from shared.bus import call, make_broker
from shared.contracts.catalog.rpc import (
    AttachedFile,
    CommitUpload,
    ContentFound,
    CreateDocument,
    DocumentAction,
    DocumentDraft,
    DocumentView,
    FindContent,
    PartStored,
    UploadPart,
)
from shared.contracts.rpc import RpcFailure
from shared.settings import Settings

SUFFIXES = (".txt", ".md", ".markdown", ".pdf")
PIECE = 192 * 1024
CONNECT_TIMEOUT = 10.0
RPC_WAIT = 30.0
"""Seconds the importer waits for each catalog reply: extracting the text of a large PDF
takes far longer than the gateway's RPC_TIMEOUT, which is for people waiting on a page."""
Reply = TypeVar("Reply", bound=BaseModel)


def run_import(args: argparse.Namespace) -> int:
    """Import every file named (folders: their .txt/.md/.pdf files); 1 if any failed."""
    settings = local_settings("catalog")
    try:
        return asyncio.run(import_paths([Path(p) for p in args.paths], settings, sys.stdout))
    except (RpcFailure, TimeoutError, OSError) as error:
        reason = error.message if isinstance(error, RpcFailure) else "no NATS server answered"
        print(f"dialogues import: the catalog did not answer ({reason}); "
              "is `dialogues up` running?", file=sys.stderr)
        return 2


async def import_paths(paths: list[Path], settings: Settings, out: TextIO) -> int:
    """The import itself, on given settings (tests call this)."""
    files = sorted(set(_candidates(paths)))
    broker = make_broker(settings, client_name="dialogues-import")
    try:
        # The broker would retry a missing server for minutes; a command should say so now.
        async with asyncio.timeout(CONNECT_TIMEOUT):
            await broker.connect()
    except TimeoutError:
        await broker.stop()
        raise
    counts = {"imported": 0, "skipped": 0, "failed": 0}
    try:
        for number, path in enumerate(files, 1):
            outcome, note = await _import_one(broker, path)
            counts[outcome] += 1
            print(f"[{number}/{len(files)}] {path}: {outcome} {note}", file=out, flush=True)
    finally:
        await broker.stop()
    print(", ".join(f"{n} {what}" for what, n in counts.items()), file=out)
    return 1 if counts["failed"] else 0


def _candidates(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from (p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        else:
            yield path


async def _import_one(broker: NatsBroker, path: Path) -> tuple[str, str]:
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as error:
        return "failed", f"(cannot read: {error.strerror})"
    if len(data) > MAX_FILE_BYTES:
        return "failed", f"(larger than {MAX_FILE_BYTES} bytes)"
    sha256 = hashlib.sha256(data).hexdigest()
    found = await _rpc(broker, "find_content", FindContent(sha256=sha256), ContentFound)
    if found.found:
        return "skipped", f"(same content as {', '.join(found.document_ids)})"
    content_type = sniff(data, path.name)
    if content_type is None or (content_type != PDF and path.suffix.lower() == ".pdf"):
        return "failed", "(not a text, Markdown or PDF file)"
    text = await asyncio.to_thread(extract_text, data, content_type) or ""
    try:
        draft = DocumentDraft.model_validate(_metadata(path, text))
    except (ValidationError, ValueError) as error:
        return "failed", f"(metadata: {error})".replace("\n", " ")[:300]
    try:
        doc = await _rpc(broker, "create", CreateDocument(draft=draft), DocumentView)
        await _upload(broker, doc.id, path.name, data)
        await _rpc(broker, "publish", DocumentAction(document_id=doc.id), DocumentView)
    except RpcFailure as failure:
        if failure.code == "unavailable":
            raise
        return "failed", f"({failure.message})"
    return "imported", f"as {doc.id} ({draft.source_language})"


def _metadata(path: Path, text: str) -> dict[str, Any]:
    """What the sidecar says, completed from the text and the file's name."""
    sidecar: dict[str, Any] = {}
    for candidate in (path.with_name(path.name + ".json"), path.with_suffix(".json")):
        if candidate.is_file():
            sidecar = json.loads(candidate.read_text(encoding="utf-8"))
            break
    lang = sidecar.get("source_language") or detect_language(text)
    for name in ("title", "summary", "body"):
        if isinstance(sidecar.get(name), str):
            sidecar[name] = {lang: sidecar[name]}
    lines = [line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()]
    title = (lines[0] if lines else path.stem.replace("_", " "))[:500]
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return {"type": "publication", "source_language": lang, "title": {lang: title},
            "summary": {lang: (paragraphs[1] if len(paragraphs) > 1 else "")[:5_000]},
            "body": {lang: text[:200_000]}, **sidecar}


def detect_language(text: str) -> str:
    """The likeliest of es, en, pt and fr (es when the text says nothing)."""
    from langdetect import (  # type: ignore[import-untyped]
        DetectorFactory,
        LangDetectException,
        detect_langs,
    )

    DetectorFactory.seed = 0  # the same text gets the same answer every time
    try:
        guesses = detect_langs(text[:5_000])
    except LangDetectException:
        return "es"
    return next((g.lang for g in guesses if g.lang in ("es", "en", "pt", "fr")), "es")


async def _upload(broker: NatsBroker, doc_id: str, name: str, data: bytes) -> AttachedFile:
    upload_id = "up_" + secrets.token_hex(12)
    pieces = [data[i:i + PIECE] for i in range(0, len(data), PIECE)]
    for index, piece in enumerate(pieces):
        await _rpc(broker, "upload_part", UploadPart(
            upload_id=upload_id, index=index, data=base64.b64encode(piece).decode()),
            PartStored)
    return await _rpc(broker, "commit_upload", CommitUpload(
        upload_id=upload_id, document_id=doc_id, name=name[-200:], parts=len(pieces)),
        AttachedFile)


async def _rpc(broker: NatsBroker, action: str, request: BaseModel,
               reply: type[Reply]) -> Reply:
    return await call(broker, f"rpc.catalog.{action}", request, reply, timeout=RPC_WAIT)
