"""Attendance certificate PDFs: time and size of one, as registration renders it per download.

Renders the certificate of services/registration/certificates/pdf.py (Noto Sans embedded and
subset, a QR code, two languages) for names in several scripts, and in the same run a
baseline: the same words on an A4 page in fpdf2's built-in Helvetica (no font to embed, Latin-1
only, no QR), which is the least a PDF library can do. The ratio says what the embedded Unicode
font and the QR code cost.

    uv run python bench/certificates.py [--n 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fpdf import FPDF

from services.registration.certificates import pdf

RESULTS = Path(__file__).parent / "results" / "certificates.json"
NAMES = ("José María Ñúñez Gonçalves", "Nguyễn Thị Hương", "Ольга Ковальчук", "Zoë Ødegård")
STARTS = datetime(2022, 11, 24, 16, 30, tzinfo=UTC)
SESSION: dict[str, Any] = {
    "_id": "bench", "title": {"es": "Panel especial sobre compras públicas",
                              "en": "Special panel on public procurement"},
    "starts_at": STARTS, "ends_at": STARTS + timedelta(minutes=90),
    "timezone": "America/La_Paz",
    "organisers": [{"name": "Latin American and Caribbean Economic System", "acronym": "SELA"}],
}


def certificate(name: str) -> dict[str, Any]:
    return {"code": "7KQ2M-XH4TD", "name": name, "languages": ["pt", "es"],
            "issued_at": STARTS + timedelta(days=1)}


def baseline(name: str) -> bytes:
    """The same words on a page in a built-in font: nothing embedded, no QR code."""
    page = FPDF(orientation="L", unit="mm", format="A4")
    page.add_page()
    page.set_font("Helvetica", size=24)
    latin1 = name.encode("latin-1", "replace").decode("latin-1")
    for line in ("Certificate of attendance", latin1, SESSION["title"]["en"],
                 "held on 24 November 2022, lasting 1 h 30 min", "Verification code: 7KQ2M-XH4TD"):
        page.cell(0, 14, line, new_x="LMARGIN", new_y="NEXT", align="C")
    return bytes(page.output())


def measure(make: Callable[[str], bytes], n: int) -> dict[str, float]:
    """Median and p90 milliseconds per PDF over `n` renders (names in turn), and bytes."""
    make(NAMES[0])  # the first one loads the font and the catalogs
    times, sizes = [], []
    for i in range(n):
        started = time.perf_counter()
        sizes.append(len(make(NAMES[i % len(NAMES)])))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": statistics.median(times), "p90_ms": times[int(0.9 * (n - 1))],
            "kilobytes": statistics.mean(sizes) / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    args = parser.parse_args()
    url = "https://dialogues.example.org/certificates/7KQ2M-XH4TD"
    rows = {
        "certificate (Noto Sans + QR, 2 languages)":
            measure(lambda name: pdf.render(certificate(name), SESSION, url), args.n),
        "baseline: built-in Helvetica, no QR": measure(baseline, args.n),
    }
    base = rows["baseline: built-in Helvetica, no QR"]["median_ms"]
    print(f"{'PDF':45} {'median ms':>10} {'p90 ms':>8} {'KiB':>6} {'x base':>7}")
    for label, row in rows.items():
        print(f"{label:45} {row['median_ms']:10.1f} {row['p90_ms']:8.1f} "
              f"{row['kilobytes']:6.1f} {row['median_ms'] / base:7.1f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"n": args.n, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
