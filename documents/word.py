"""Documents as DOCX (Word), editable: partnerships finish letters in Word (python-docx).

Real headings, paragraphs, lists and tables, so the document reads and edits as one typed
by hand. A4 with the document record in every page's footer and in the core properties.
A DOCX is a zip whose entries carry the time they were written; ``reproducible`` writes
them again with a fixed time (and the core properties' dates are the recorded time of the
version shown), so the same document gives the same bytes every time.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from documents import layout
from documents.layout import LINE_BREAK, Block, Document, Inline, Style

FONT = "Arial"  # named, not embedded: Word uses the reader's own
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest time: the same in every file


def _runs(p: DocxParagraph, runs: Inline, *, bold: bool = False, size: float | None = None) -> None:
    for r in runs:
        if r.text == LINE_BREAK:
            p.add_run().add_break()
            continue
        run = p.add_run(r.text)
        run.bold = r.bold or bold or None
        run.italic = r.italic or None
        if size is not None:
            run.font.size = Pt(size)


def _table(doc: DocxDocument, block: layout.Table) -> None:
    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, block.header, strict=True):
        _runs(cell.paragraphs[0], heading, bold=True, size=9)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            _runs(cell.paragraphs[0], value, size=9)
    doc.add_paragraph()


def _blocks(doc: DocxDocument, blocks: Iterable[Block]) -> None:
    for b in blocks:
        if isinstance(b, layout.Heading):
            heading = doc.add_heading(level=min(max(b.level, 1), 3))
            _runs(heading, b.runs)
        elif isinstance(b, layout.Paragraph):
            p = doc.add_paragraph()
            if b.style is Style.LETTERHEAD:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _runs(p, b.runs, size=8 if b.style is Style.SMALL else None)
        elif isinstance(b, layout.ListBlock):
            for n, item in enumerate(b.items, start=b.start):
                if b.ordered:  # numbered as written: Word's list numbering would run on
                    p = doc.add_paragraph()
                    p.paragraph_format.left_indent = Mm(8)
                    p.paragraph_format.first_line_indent = Mm(-6)
                    p.add_run(f"{n}.\t")
                else:
                    p = doc.add_paragraph(style="List Bullet")
                _runs(p, item)
        elif isinstance(b, layout.Table):
            _table(doc, b)
        elif isinstance(b, layout.PageBreak):
            doc.add_page_break()  # type: ignore[no-untyped-call]


def _page(doc: DocxDocument, landscape: bool, footer: str) -> None:
    section = doc.sections[0]
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))
    p = section.footer.paragraphs[0]
    run = p.add_run(footer)
    run.font.size = Pt(7)


def write_docx(doc: Document, out: IO[bytes]) -> None:
    """``doc`` as a DOCX into ``out``: the same bytes for the same document."""
    word = docx.Document()
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    package = word.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:  # the blank template's picture
            del package.rels[rel_id]
    stamp = doc.stamp
    _page(word, doc.landscape, stamp.line()[0].upper() + stamp.line()[1:])
    _blocks(word, doc.blocks)
    when = (stamp.recorded_at or datetime(2000, 1, 1, tzinfo=UTC)).astimezone(UTC)
    props = word.core_properties
    props.title = doc.title
    props.author = doc.author
    props.subject = stamp.line()
    props.keywords = ", ".join(doc.keywords)
    props.comments = "Rendered from the recorded events by the Safeguarding Review Tracker"
    props.last_modified_by = "Safeguarding Review Tracker"
    props.revision = 1
    props.created = props.modified = when.replace(tzinfo=None)
    buffer = io.BytesIO()
    word.save(buffer)
    out.write(reproducible(buffer.getvalue()))


def reproducible(archive: bytes) -> bytes:
    """The zip ``archive`` written again with every entry dated the same fixed time."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()
