"""Benchmark: rendering the documents, and exporting a tracker of 10,000 cases.

    .venv/bin/python -m benchmarks.documents [--cases 10000] [--repeat 30]

On a fresh SQLite file (the embedded default):

1. The seed scenario (tests/support/scenario.py); each case document rendered ``--repeat``
   times in PDF and DOCX: median milliseconds, against a bare baseline measured in the same
   run -- the same library writing the same text as plain paragraphs (no replay, template,
   layout or document record).
2. ``--cases`` generated cases, read models built; the tracker exported (every case, every
   partnership) as CSV and XLSX and the tracker report of the largest partnership in PDF and
   XLSX: seconds and peak Python memory (tracemalloc, a second run), against the same rows
   read with one cursor and written with the csv module (or XlsxWriter) alone.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import xlsxwriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from application.context import Principal
from application.generate import generate
from application.settings import Settings
from documents.formats import Format
from documents.output import Rendered
from documents.service import Asked, Kind
from domain.values import Role
from entrypoints import bootstrap
from projections.store import ReadStore
from tests.support.clock import FakeClock
from tests.support.documents import docx_text, pdf_text
from tests.support.scenario import AGENCIES, walk_to_panel_response


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bare_pdf(lines: list[str]) -> bytes:
    out = io.BytesIO()
    style = getSampleStyleSheet()["Normal"]
    SimpleDocTemplate(out, pagesize=A4).build([Paragraph(escape(t), style) for t in lines])
    return out.getvalue()


def bare_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for t in lines:
        document.add_paragraph(t)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def measure(run: Callable[[], object]) -> tuple[float, float]:
    """Seconds (untraced), then peak traced memory in MiB (a second run)."""
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def drain(rendered: Rendered, path: Path) -> None:
    with path.open("wb") as f:
        for chunk in rendered.chunks:
            f.write(chunk)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tracker-documents-"))
    clock = FakeClock(datetime(2026, 12, 23, 9, 30, tzinfo=UTC))
    settings = Settings(
        _env_file=None,
        env="test",
        sqlite_path=tmp / "tracker.sqlite",
        encryption_key_file=tmp / "encryption-key.txt",
    )
    app = bootstrap.safeguarding(settings, clock=clock)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")

    # 1. each document of the seed case
    case_id = walk_to_panel_response(app, clock)
    documents = bootstrap.documents(app)
    staff = Asked(Principal("bench", Role.PARTNERSHIP, "", tuple(app.partnerships.by_code)))
    print("\n| document | format | median ms | bare library, same text | ratio |")
    print("|---|---|---:|---:|---:|")
    for kind in Kind:
        for fmt in (Format.PDF, Format.DOCX):

            def render(kind: Kind = kind, fmt: Format = fmt) -> bytes:
                agency = AGENCIES[0] if kind is Kind.SCOPING_PACK else None
                return documents.case_document(staff, case_id, kind, fmt, agency=agency).content()

            content = render()
            lines = (pdf_text if fmt is Format.PDF else docx_text)(content).splitlines()
            ours = median_ms(render, args.repeat)
            write_bare = bare_pdf if fmt is Format.PDF else bare_docx
            bare_ms = median_ms(lambda: write_bare(lines), args.repeat)  # noqa: B023 - used at once
            print(
                f"| {kind.value} | {fmt.value} | {ours:.1f} | {bare_ms:.1f} "
                f"| {ours / bare_ms:.2f} |"
            )

    # 2. a tracker of many cases
    clock.set_day(date(2027, 3, 1))
    started = time.perf_counter()
    generate(app, args.cases, seed=1, years=3, batch=50)
    projector = bootstrap.projector(app)
    projector.setup()
    projector.catch_up(batch_size=5000)
    projector.store.close()
    print(f"\ngenerated and projected {args.cases:,} cases in {time.perf_counter() - started:.0f}s")
    store = ReadStore(settings)
    with store.transaction() as c:
        c.execute("SELECT COUNT(*) FROM rm_tracker")
        rows = int(c.fetchone()[0])
        c.execute("SELECT partnership, COUNT(*) FROM rm_tracker GROUP BY 1 ORDER BY 2 DESC")
        biggest, biggest_rows = c.fetchone()
    store.close()

    def bare_csv() -> None:
        """The same table read with one cursor and written with the csv module alone."""
        bare = sqlite3.connect(settings.sqlite_path)
        with (tmp / "bare.csv").open("w", newline="") as f:
            c = bare.execute("SELECT * FROM rm_tracker ORDER BY received_on, case_id")
            writer = csv.writer(f)
            writer.writerow([d[0] for d in c.description])
            for row in c:
                writer.writerow(row)
        bare.close()

    def bare_xlsx() -> None:
        """The same table written by XlsxWriter (constant memory) alone."""
        bare = sqlite3.connect(settings.sqlite_path)
        book = xlsxwriter.Workbook(str(tmp / "bare.xlsx"), {"constant_memory": True})
        sheet = book.add_worksheet()
        c = bare.execute("SELECT * FROM rm_tracker ORDER BY received_on, case_id")
        for i, row in enumerate(c):
            sheet.write_row(i, 0, row)
        book.close()
        bare.close()

    def export(fmt: Format) -> Callable[[], None]:
        return lambda: drain(
            documents.export(staff, "tracker", fmt, []), tmp / f"export.{fmt.value}"
        )

    def report(fmt: Format) -> Callable[[], None]:
        return lambda: drain(
            documents.tracker_report(staff, biggest, app.today(), fmt), tmp / f"r.{fmt.value}"
        )

    print(f"\ntracker export of {rows:,} cases; tracker report of {biggest} ({biggest_rows:,})")
    print("\n| what | seconds | peak MiB | bare: seconds | bare: peak MiB | ratio s | ratio MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    results: dict[str, tuple[float, float]] = {}
    runs: list[tuple[str, Callable[[], None], Callable[[], None]]] = [
        ("export tracker CSV", export(Format.CSV), bare_csv),
        ("export tracker XLSX", export(Format.XLSX), bare_xlsx),
        ("tracker report PDF", report(Format.PDF), bare_csv),
        ("tracker report XLSX", report(Format.XLSX), bare_xlsx),
    ]
    for name, run, baseline in runs:
        s, m = measure(run)
        if baseline.__name__ not in results:
            results[baseline.__name__] = measure(baseline)
        bs, bm = results[baseline.__name__]
        print(f"| {name} | {s:.2f} | {m:.1f} | {bs:.2f} | {bm:.1f} | {s / bs:.1f} | {m / bm:.1f} |")
    print(f"\nfiles in {tmp}")


if __name__ == "__main__":
    main()
