"""The tracker report as a PDF (landscape A4) or a workbook (a sheet per section), written
to a temporary file as its rows are read, then handed out in chunks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import IO, Any

from application.config import Partnership
from application.service import Safeguarding
from documents.formats import Format
from documents.layout import Block, Document, Heading, Table, plain
from documents.letters import record_note
from documents.markup import Templates
from documents.output import Rendered, spooled
from documents.pdf import write_pdf
from documents.readside import ReadSide
from documents.sheets import Sheet, write_xlsx
from documents.tracker_report.fields import Section, TrackerReportFields
from projections.engine import Projector


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def tracker_report(
    app: Safeguarding,
    reader: Callable[[], Projector],
    partnership: Partnership,
    on: date,
    fmt: Format,
    templates: Templates,
    after: int | None = None,
) -> Rendered:
    read = ReadSide(app, reader(), after)
    try:
        position = read.position()
        stamp = read.stamp(f"partnership {partnership.code}", position)
        fields = TrackerReportFields(app, read, partnership.code, on)
        totals = fields.totals()
        sections = fields.sections()
        title = f"Tracker report: {partnership.name}, as at {on.isoformat()}"

        def blocks() -> Iterator[Block]:
            yield from templates.render(
                "tracker_report.md",
                {"partnership": partnership.name, "on": on, "position": position, **totals},
            )
            for s in sections:
                yield Heading(2, plain(s.title))
                rows = (tuple(plain(text(v)) for v in row) for row in s.rows())
                yield Table(tuple(plain(c) for c in s.columns), rows, tuple(s.widths))
            yield record_note(stamp)

        def write(out: IO[bytes]) -> None:
            if fmt is Format.PDF:
                document = Document(title, blocks(), stamp, author=partnership.name, landscape=True)
                write_pdf(document, out, app.settings.document_fonts)
                return
            summary = Sheet(
                "Report",
                ("", ""),
                [
                    ("Tracker report", partnership.name),
                    ("As at", on),
                    *((name.replace("_", " ").capitalize(), n) for name, n in totals.items()),
                    ("Read models at log position", position),
                    ("Event hash at that position", stamp.event_hash),
                ],
                (30, 70),
            )
            write_xlsx(
                [summary, *(_sheet(s) for s in sections)],
                out,
                title=title,
                author=partnership.name,
                subject=stamp.line(),
                created=stamp.recorded_at or datetime(on.year, on.month, on.day),
            )

        chunks, size = spooled(write)
    finally:
        read.close()
    name = f"tracker-report-{partnership.code}-{on.isoformat()}-p{position}.{fmt.value}"
    return Rendered(name, fmt, chunks, stamp, size)


def _sheet(section: Section) -> Sheet:
    return Sheet(section.title[:31], section.columns, section.rows(), section.widths)
