"""Documents as PDF (A4), laid out by ReportLab's platypus in its invariant mode: no clock,
no random id, so the same document gives the same bytes every time.

The text is set in DejaVu Sans, embedded (subset) from the machine's own font files
(``Settings.document_fonts``; Debian's fonts-dejavu packages, installed by
scripts/ensure-venv): every name, accent and tick box prints, and nothing is fetched.

Long tables are laid out as their rows are read (``_StreamedTable`` takes a page's worth
at a time), and blocks may come from a generator, so a report of any length holds one
page of rows in memory, not all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    ListItem,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph

from documents import layout
from documents.layout import LINE_BREAK, Block, Document, Inline, Style

FONT = "DejaVuSans"
_FACES = {
    FONT: "DejaVuSans.ttf",
    f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
    f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf",
    f"{FONT}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}
FONT_FILES = tuple(_FACES.values())
MARGIN = 18 * mm


class FontsMissingError(RuntimeError):
    """The font files are not where the settings say."""


def register_fonts(folder: Path) -> None:
    """Register DejaVu Sans (once per process) from ``folder``."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in _FACES.items():
        path = folder / file
        if not path.is_file():
            raise FontsMissingError(
                f"{path} not found: install Debian's fonts-dejavu-core and fonts-dejavu-extra "
                "(scripts/ensure-venv does) or point TRACKER_DOCUMENT_FONTS at DejaVuSans*.ttf"
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Oblique",
        boldItalic=f"{FONT}-BoldOblique",
    )


_BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=5)
STYLES = {
    Style.BODY: _BODY,
    Style.LETTERHEAD: ParagraphStyle("letterhead", _BODY, alignment=TA_RIGHT, fontSize=9),
    Style.SMALL: ParagraphStyle("small", _BODY, fontSize=7.5, leading=9.5),
}
_BOLD = ParagraphStyle("bold", _BODY, fontName=f"{FONT}-Bold")
_HEADINGS = {
    1: ParagraphStyle("h1", _BOLD, fontSize=13, leading=16, spaceBefore=4, spaceAfter=8),
    2: ParagraphStyle("h2", _BOLD, fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=5),
    3: ParagraphStyle("h3", _BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=4),
}
_CELL = ParagraphStyle("cell", _BODY, fontSize=8.5, leading=10.5, spaceAfter=0)
_PADDING = 3
_TABLE_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), _PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), _PADDING),
    ]
)
# plain-text cells of a streamed table: the cell paragraphs' font, size and leading
_STREAM_STYLE = TableStyle(
    [
        *_TABLE_STYLE.getCommands(),
        ("FONT", (0, 0), (-1, -1), FONT, _CELL.fontSize, _CELL.leading),
        ("FONT", (0, 0), (-1, 0), f"{FONT}-Bold", _CELL.fontSize, _CELL.leading),
    ]
)


def markup(runs: Inline) -> str:
    """Runs as ReportLab paragraph markup (text escaped)."""
    parts: list[str] = []
    for r in runs:
        if r.text == LINE_BREAK:
            parts.append("<br/>")
            continue
        text = xml_escape(r.text)
        if r.italic:
            text = f"<i>{text}</i>"
        if r.bold:
            text = f"<b>{text}</b>"
        parts.append(text)
    return "".join(parts)


def _cell(runs: Inline, *, bold: bool = False) -> PdfParagraph:
    text = markup(runs)
    return PdfParagraph(f"<b>{text}</b>" if bold else text, _CELL)


class _StreamedTable(Flowable):
    """A table whose rows are read as the pages fill: each split takes the rows that fit
    the space left (with the header repeated), so no more than a page of rows is held.

    A cell whose text fits its column on one line is drawn as plain text (cheap); only a
    longer one becomes a paragraph that wraps. A row's height is worked out once, the way
    the table will lay it out (the cells' leading and padding)."""

    def __init__(
        self,
        header: tuple[Inline, ...],
        rows: Iterable[tuple[Inline, ...]],
        widths: tuple[float, ...] = (),
    ) -> None:
        super().__init__()
        self.header = header
        self.relative = widths or (1.0,) * len(header)
        self.rows: Iterator[tuple[Inline, ...]] = iter(rows)
        self.pending: tuple[Inline, ...] | None = None
        self.widths: list[float] = []

    def wrap(self, width: float, height: float) -> tuple[float, float]:
        return width, height + 1  # never "fits": always split to the space left

    def split(self, width: float, height: float) -> list[Flowable]:
        self.widths = [width * w / sum(self.relative) for w in self.relative]
        header, used = self._laid(self.header, bold=True)
        if used > height:
            return []  # not even the header fits here: on to the next page
        taken = [header]
        more = True
        while True:
            row = self.pending if self.pending is not None else next(self.rows, None)
            if row is None:
                more = False
                break
            cells, needed = self._laid(row)
            if used + needed > height:
                self.pending = row
                if len(taken) == 1:
                    return []  # not even one row fits here: on to the next page
                break
            self.pending = None
            taken.append(cells)
            used += needed
        table = Table(taken, colWidths=self.widths, repeatRows=1, style=_STREAM_STYLE)
        # placed a page's rows: any earlier postponement (no room left on a page) is over
        self.__dict__.pop("_postponed", None)
        return [table, self] if more else [table]

    def _laid(self, row: tuple[Inline, ...], *, bold: bool = False) -> tuple[list[Any], float]:
        """The row's cells (text, or paragraphs where it must wrap) and its height."""
        font = f"{FONT}-Bold" if bold else FONT
        cells: list[Any] = []
        tallest = _CELL.leading
        for runs, width in zip(row, self.widths, strict=True):
            text = "".join(r.text for r in runs)
            plain = all(r.text != LINE_BREAK and r.bold == bold and not r.italic for r in runs)
            room = width - 2 * _PADDING
            if plain and pdfmetrics.stringWidth(text, font, _CELL.fontSize) <= room:
                cells.append(text)
                continue
            paragraph = _cell(runs, bold=bold)
            tallest = max(tallest, paragraph.wrap(room, 10**6)[1])
            cells.append(paragraph)
        return cells, tallest + 2 * _PADDING + 0.5


def flowables(blocks: Iterable[Block]) -> Iterator[Flowable]:
    for b in blocks:
        if isinstance(b, layout.Heading):
            yield PdfParagraph(markup(b.runs), _HEADINGS.get(b.level, _HEADINGS[3]))
        elif isinstance(b, layout.Paragraph):
            yield PdfParagraph(markup(b.runs) or "&nbsp;", STYLES[b.style])
        elif isinstance(b, layout.ListBlock):
            items: list[Any] = [ListItem(PdfParagraph(markup(i), _BODY)) for i in b.items]
            kind: dict[str, Any] = (
                {"bulletType": "1", "start": b.start, "bulletFormat": "%s."}
                if b.ordered
                else {"bulletType": "bullet"}
            )
            yield ListFlowable(items, bulletFontName=FONT, bulletFontSize=9, **kind)
            yield Spacer(1, 3)
        elif isinstance(b, layout.Table):
            if isinstance(b.rows, list | tuple) and len(b.rows) < 200:
                data = [[_cell(h, bold=True) for h in b.header]]
                data += [[_cell(c) for c in row] for row in b.rows]
                yield Table(data, repeatRows=1, style=_TABLE_STYLE, hAlign="LEFT")
            else:
                yield _StreamedTable(b.header, b.rows, b.widths)
            yield Spacer(1, 6)
        elif isinstance(b, layout.PageBreak):
            yield PageBreak()


class _Lazy:
    """Platypus's build loop reads its flowables as a list (``len``, ``[0]``, ``del``,
    ``insert``); this one fills from a generator a few at a time."""

    AHEAD = 4  # enough for platypus to keep a heading with what follows it

    def __init__(self, source: Iterator[Flowable]) -> None:
        self.buffer: list[Flowable] = []
        self.source = source
        self.done = False

    def _fill(self, n: int) -> None:
        while not self.done and len(self.buffer) < n:
            try:
                self.buffer.append(next(self.source))
            except StopIteration:
                self.done = True

    def __len__(self) -> int:
        self._fill(self.AHEAD)
        return len(self.buffer)

    def __getitem__(self, i: Any) -> Any:
        self._fill((i.stop or 0) if isinstance(i, slice) else i + 1)
        return self.buffer[i]

    def __setitem__(self, i: Any, value: Any) -> None:
        self.buffer[i] = value

    def __delitem__(self, i: Any) -> None:
        del self.buffer[i]

    def insert(self, i: int, value: Flowable) -> None:
        self.buffer.insert(i, value)


def write_pdf(doc: Document, out: IO[bytes], fonts: Path) -> None:
    """Lay ``doc`` out as an A4 PDF into ``out``."""
    register_fonts(fonts)
    size = landscape(A4) if doc.landscape else A4
    stamp = doc.stamp
    footer = (stamp.line().split(", event hash ")[0], f"event hash {stamp.event_hash or 'none'}")

    def on_page(canvas: Any, template: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, 10 * mm, footer[0][:1].upper() + footer[0][1:])
        canvas.drawString(MARGIN, 7 * mm, footer[1])
        canvas.drawRightString(size[0] - MARGIN, 10 * mm, f"Page {template.page}")
        canvas.restoreState()

    template = SimpleDocTemplate(
        out,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm,
        title=doc.title,
        author=doc.author,
        subject=stamp.line(),
        keywords=list(doc.keywords),
        creator="Safeguarding Review Tracker",
        producer="Safeguarding Review Tracker (ReportLab)",
        invariant=1,
    )
    template.build(_Lazy(flowables(doc.blocks)), onFirstPage=on_page, onLaterPages=on_page)  # type: ignore[arg-type]
