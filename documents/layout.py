"""What a rendered document is made of, whatever its format: headings, paragraphs, lists,
tables and page breaks of runs of text. Templates become these (``markup.py``); the PDF
and DOCX writers (``pdf.py``, ``docx.py``) lay them out. A table's rows may be an
iterator, so a long table is laid out as its rows are read and never held whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

LINE_BREAK = "\n"  # a run whose text is this breaks the line


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


Inline = tuple[Run, ...]


def plain(text: str, *, bold: bool = False) -> Inline:
    """Text as runs, its newlines as line breaks."""
    runs: list[Run] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            runs.append(Run(LINE_BREAK))
        if line:
            runs.append(Run(line, bold=bold))
    return tuple(runs)


def text_of(runs: Inline) -> str:
    return "".join(r.text for r in runs)


class Style(StrEnum):
    BODY = "body"
    LETTERHEAD = "letterhead"  # right-aligned, above a letter
    SMALL = "small"  # the document record at the end


@dataclass(frozen=True)
class Heading:
    level: int  # 1 to 3
    runs: Inline


@dataclass(frozen=True)
class Paragraph:
    runs: Inline
    style: Style = Style.BODY


@dataclass(frozen=True)
class ListBlock:
    items: tuple[Inline, ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Table:
    header: tuple[Inline, ...]
    rows: Iterable[tuple[Inline, ...]]  # may be an iterator: read once, as laid out
    widths: tuple[float, ...] = ()  # relative column widths (default: equal)


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | ListBlock | Table | PageBreak


@dataclass(frozen=True)
class Stamp:
    """What a document reflects, so that a reader can re-render it and compare: the case
    (or partnership), the version and log position, and the hash of that version's event."""

    subject: str  # "case LEW-2026-0001" or "partnership LEW"
    version: int | None  # the case's version (None for a partnership's report)
    position: int  # the log position of that version's event (or the read models')
    event_hash: str  # the hash of the event at that version (or position)
    recorded_at: datetime | None  # when that event was recorded: the document's date

    def line(self) -> str:
        version = f" version {self.version}," if self.version is not None else ""
        return (
            f"{self.subject},{version} log position {self.position}, "
            f"event hash {self.event_hash or 'none'}"
        )


@dataclass(frozen=True)
class Document:
    title: str
    blocks: Iterable[Block]  # may be a generator: a long document is made as it is laid out
    stamp: Stamp
    author: str = ""  # the partnership
    landscape: bool = False
    keywords: Sequence[str] = field(default=())


def long_date(day: date | None, *, weekday: bool = False) -> str:
    """``11 January 2027`` (or, as the seed's forms write a deadline, ``Monday, 11 January
    2027``); empty for no date."""
    if day is None:
        return ""
    text = f"{day.day} {day:%B} {day.year}"
    return f"{day:%A}, {text}" if weekday else text


def blocks_of(*parts: Iterable[Block] | Block) -> Iterator[Block]:
    """The blocks of each part in turn (a part is a block or blocks)."""
    for part in parts:
        if isinstance(part, Heading | Paragraph | ListBlock | Table | PageBreak):
            yield part
        else:
            yield from part
