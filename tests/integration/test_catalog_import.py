"""`dialogues import`: files become published documents; exact duplicates are skipped."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from faststream.nats import NatsBroker
from fpdf import FPDF

from cli.importer import import_paths
from services.catalog.bootstrap import SPEC as CATALOG
from shared.bus import call
from shared.contracts.catalog.rpc import DocumentView, GetDocument
from shared.service import start_service
from shared.settings import Settings

pytestmark = pytest.mark.integration

ENGLISH = ("Framework agreements in public procurement\n\nHow governments buy common goods "
           "through framework agreements and reverse auctions, and what they save.\n")
SPANISH = ("# Compras públicas sostenibles\n\nLas entidades del Estado pueden exigir criterios "
           "ambientales en sus licitaciones y contratos de obra pública.\n")
PORTUGUESE = ("Contratacao publica e inovacao. As agencias de compras governamentais podem "
              "usar a contratacao para estimular a inovacao nas empresas.")


def a_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


async def test_import_creates_documents_and_skips_duplicates(
        settings: Settings, bus_client: NatsBroker, tmp_path: Path) -> None:
    (tmp_path / "agreements.txt").write_text(ENGLISH)
    (tmp_path / "copy-of-agreements.txt").write_text(ENGLISH)
    (tmp_path / "sostenibles.md").write_text(SPANISH)
    (tmp_path / "sostenibles.md.json").write_text(json.dumps(
        {"type": "guide", "topics": ["sustainable_procurement"], "countries": ["CO"]}))
    (tmp_path / "inovacao.pdf").write_bytes(a_pdf(PORTUGUESE))
    (tmp_path / "fake.pdf").write_text("not really a PDF")
    (tmp_path / "bad.txt").write_text("Some text")
    (tmp_path / "bad.json").write_text(json.dumps({"type": "novel"}))
    service = await start_service(CATALOG, settings)
    try:
        out = io.StringIO()
        status = await import_paths([tmp_path], settings, out)
        report = out.getvalue()
        assert status == 1, report  # two files failed
        assert report.strip().endswith("3 imported, 1 skipped, 2 failed"), report
        lines = {line.split(": ", 1)[0].split("/")[-1]: line for line in report.splitlines()}
        assert "skipped (same content as" in lines["copy-of-agreements.txt"] or \
            "skipped (same content as" in lines["agreements.txt"]
        assert "failed (metadata" in lines["bad.txt"] and "failed" in lines["fake.pdf"]

        async def read(name: str) -> DocumentView:
            doc_id = lines[name].split(" as ")[1].split(" ")[0]
            return await call(bus_client, "rpc.catalog.get", GetDocument(document_id=doc_id),
                              DocumentView, timeout=2)

        guide = await read("sostenibles.md")
        assert (guide.type, guide.source_language, guide.status) == ("guide", "es", "published")
        assert guide.title == "Compras públicas sostenibles" and guide.regions == ["andean_region"]
        assert guide.files[0].content_type == "text/markdown"
        pdf = await read("inovacao.pdf")
        assert pdf.source_language == "pt" and pdf.files[0].content_type == "application/pdf"
        assert "inovacao" in pdf.body

        again = io.StringIO()
        assert await import_paths([tmp_path / "sostenibles.md"], settings, again) == 0
        assert "0 imported, 1 skipped, 0 failed" in again.getvalue()
    finally:
        await service.stop()
