"""A rendered document or export as it is handed out: its bytes in chunks, its name and
type, and what it reflects. Small documents are made in memory; large ones are written to
a temporary file first (so a failure is an error answer, never half a file) and read back
a chunk at a time; CSV exports are made as they are sent."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from documents.formats import MEDIA_TYPES, Format
from documents.layout import Document, Stamp
from documents.pdf import write_pdf
from documents.word import write_docx

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Rendered:
    filename: str
    format: Format
    chunks: Iterable[bytes]  # read once
    stamp: Stamp | None = None
    size: int | None = None  # when known before sending

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    def content(self) -> bytes:
        return b"".join(self.chunks)


def in_memory(document: Document, fmt: Format, fonts: Path) -> bytes:
    """A case's document (a few pages) as PDF or DOCX bytes."""
    buffer = io.BytesIO()
    write(document, fmt, buffer, fonts)
    return buffer.getvalue()


def write(document: Document, fmt: Format, out: IO[bytes], fonts: Path) -> None:
    if fmt is Format.PDF:
        write_pdf(document, out, fonts)
    elif fmt is Format.DOCX:
        write_docx(document, out)
    else:
        raise ValueError(f"a document is not written as {fmt.value}")


def spooled(write_to: Callable[[IO[bytes]], None]) -> tuple[Iterator[bytes], int]:
    """What ``write_to`` writes, kept in a temporary file (in memory while small) and read
    back in chunks; with its size. The file goes when the chunks are read or dropped."""
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - closed below
    try:
        write_to(spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def chunks() -> Iterator[bytes]:
        with spool:
            while block := spool.read(CHUNK):
                yield block

    return chunks(), size
