"""Rows as CSV and XLSX, written as they are read: never the whole table in memory.

CSV is UTF-8, one header line, dates ISO; it is produced in chunks a caller can stream.
XLSX is written by XlsxWriter in its constant-memory mode (each row goes to a temporary
file as it is written) with fixed document properties, so the same rows give the same
bytes. Text is always written as text: a value beginning ``=`` is never a formula in the
workbook, and in CSV a text cell beginning ``=``, ``+``, ``-`` or ``@`` is prefixed with
``'`` so a spreadsheet opening the file does not run it (OWASP's CSV injection advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 500


def csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_chunks(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    progress: Callable[[int], object] | None = None,
) -> Iterator[bytes]:
    """The CSV of ``rows`` under a header of ``columns``, a few hundred rows a chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    pending = 0
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
        pending += 1
        if pending >= CHUNK_ROWS:
            yield _drain(buffer)
            if progress:
                progress(pending)
            pending = 0
    yield _drain(buffer)
    if progress and pending:
        progress(pending)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()  # characters per column (default 16)


def write_xlsx(
    sheets: Iterable[Sheet],
    out: IO[bytes],
    *,
    title: str,
    author: str,
    subject: str,
    created: datetime,
    progress: Callable[[int], object] | None = None,
) -> None:
    """Each sheet's rows into a workbook written to ``out`` (a seekable file)."""
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties(
        {
            "title": title,
            "author": author,
            "subject": subject,
            "company": author,
            "comments": "Rendered by the Safeguarding Review Tracker",
            "created": created.replace(tzinfo=None),
        }
    )
    heading = book.add_format({"bold": True, "bg_color": "#E8E8E8", "border": 1})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    instant = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name[:31])
        for i, _ in enumerate(sheet.columns):
            width = sheet.widths[i] if i < len(sheet.widths) else 16
            ws.set_column(i, i, width)
        for i, column in enumerate(sheet.columns):
            ws.write_string(0, i, column, heading)
        ws.freeze_panes(1, 0)
        n = 0
        for n, row in enumerate(sheet.rows, start=1):
            for i, value in enumerate(row):
                _cell(ws, n, i, value, day, instant)
            if progress and n % CHUNK_ROWS == 0:
                progress(CHUNK_ROWS)
        if progress and n % CHUNK_ROWS:
            progress(n % CHUNK_ROWS)
        ws.autofilter(0, 0, max(n, 1), max(len(sheet.columns) - 1, 0))
    book.close()


def _cell(ws: Any, row: int, col: int, value: Any, day: Any, instant: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value.replace(tzinfo=None), instant)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), day)
    else:
        ws.write_string(row, col, str(value))
