"""Documents read back as a person would read them: the text of a PDF (pypdf) and of a
DOCX (python-docx: its paragraphs and tables in order, and its footers), flattened so that
line wrapping does not matter, and the rows of a CSV or XLSX export."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

import docx
import pypdf
from docx.table import Table

from documents.formats import Format

_FOOTER = re.compile(
    r"^((Case|Partnership) \S+,( version \d+,)? log position \d+|event hash \S+|Page \d+)$"
)


def pdf_text(data: bytes, *, footers: bool = False) -> str:
    """The text of every page, without each page's footer (the document record and page
    number) unless ``footers``: a field split by a page break reads as one."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    return "\n".join(line for line in lines if footers or not _FOOTER.match(line.strip()))


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            parts += [" ".join(cell.text for cell in row.cells) for row in block.rows]
        else:
            parts.append(block.text)
    parts += [p.text for section in document.sections for p in section.footer.paragraphs]
    return "\n".join(parts)


def text_of(data: bytes, fmt: Format) -> str:
    return pdf_text(data) if fmt is Format.PDF else docx_text(data)


def flat(text: str) -> str:
    """Whitespace (line breaks, wrapping) as single spaces."""
    return " ".join(text.split())


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


def xlsx_rows(data: bytes, sheet: int = 1) -> list[list[Any]]:
    """A sheet's rows (strings resolved, empty cells as None), read from the workbook's
    XML with the standard library."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        strings: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = ET.fromstring(z.read("xl/sharedStrings.xml"))
            strings = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in root]
        sheet_xml = ET.fromstring(z.read(f"xl/worksheets/sheet{sheet}.xml"))
    rows: list[list[Any]] = []
    for row in sheet_xml.iter(f"{{{ns['m']}}}row"):
        cells: list[Any] = []
        for c in row.findall("m:c", ns):
            column = _column(str(c.get("r")))
            cells += [None] * (column - len(cells))
            v = c.find("m:v", ns)
            value: Any = None if v is None else v.text
            if c.get("t") == "inlineStr":  # what the constant-memory mode writes
                value = "".join(t.text or "" for t in c.iter(f"{{{ns['m']}}}t")) or None
            elif c.get("t") == "s" and value is not None:
                value = strings[int(value)]
            elif c.get("t") == "b" and value is not None:
                value = value == "1"
            cells.append(value)
        rows.append(cells)
    return rows


def _column(reference: str) -> int:
    """The 0-based column of a cell reference such as ``C12``."""
    n = 0
    for ch in reference:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - ord("A") + 1
    return n - 1
