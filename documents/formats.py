"""The formats documents and exports come in, and which one a request asks for: the
``format`` parameter when given, else the first acceptable type of its ``Accept`` header,
else the document's default."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class DocumentError(Exception):
    """A request for a document that cannot be answered as asked, with its HTTP status and
    a stable ``code`` (the API answers it as problem+json, the CLI prints it)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Format(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    CSV = "csv"


MEDIA_TYPES = {
    Format.PDF: "application/pdf",
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.CSV: "text/csv; charset=utf-8",
}


def negotiate(asked: str | None, accept: str | None, allowed: Sequence[Format]) -> Format:
    """The format to answer in, of ``allowed`` (the first is the default)."""
    if asked:
        try:
            chosen = Format(asked.strip().lower())
        except ValueError:
            chosen = None
        if chosen is None or chosen not in allowed:
            raise DocumentError(
                422,
                "unsupported_format",
                f"format {asked!r} is not offered here; choose one of "
                + ", ".join(f.value for f in allowed),
            )
        return chosen
    if not accept:
        return allowed[0]
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            wanted.append((-quality, i, media.lower()))
    for _, _, media in sorted(wanted):
        if media == "*/*" or not media:
            return allowed[0]
        for f in allowed:
            if media in (MEDIA_TYPES[f].split(";")[0], MEDIA_TYPES[f].split("/")[0] + "/*"):
                return f
    raise DocumentError(
        406,
        "not_acceptable",
        "none of the Accept header's types is offered here; offered: "
        + ", ".join(MEDIA_TYPES[f].split(";")[0] for f in allowed),
    )
