"""Choosing a document's format from ``format=`` or the Accept header; CSV cells that a
spreadsheet would run are neutralised; a DOCX zip is the same bytes whenever it is made."""

from __future__ import annotations

import io
import zipfile

import pytest

from documents.formats import DocumentError, Format, negotiate
from documents.sheets import csv_chunks
from documents.word import reproducible

CASE = (Format.PDF, Format.DOCX)


@pytest.mark.parametrize(
    ("asked", "accept", "expected"),
    [
        (None, None, Format.PDF),
        ("docx", "application/pdf", Format.DOCX),  # the parameter wins
        ("PDF", None, Format.PDF),
        (None, "*/*", Format.PDF),
        (
            None,
            "application/pdf;q=0.5, "
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format.DOCX,
        ),
        (None, "text/html, application/*;q=0.8", Format.PDF),
    ],
)
def test_the_format_is_the_parameter_else_the_best_accepted_type(
    asked: str | None, accept: str | None, expected: Format
) -> None:
    assert negotiate(asked, accept, CASE) is expected


def test_a_format_not_offered_is_422_and_an_unmet_accept_is_406() -> None:
    with pytest.raises(DocumentError) as bad:
        negotiate("xlsx", None, CASE)
    assert (bad.value.status, bad.value.code) == (422, "unsupported_format")
    with pytest.raises(DocumentError) as unmet:
        negotiate(None, "image/png, text/csv", CASE)
    assert (unmet.value.status, unmet.value.code) == (406, "not_acceptable")


def test_csv_cells_that_would_run_as_formulas_are_prefixed() -> None:
    data = b"".join(csv_chunks(["a", "b", "c"], [("=SUM(A1)", "-2", -2), ("@x", "plain", None)]))
    assert data.decode().splitlines() == ["a,b,c", "'=SUM(A1),'-2,-2", "'@x,plain,"]


def test_a_zip_written_again_is_the_same_bytes_whenever_it_is_made() -> None:
    def made(at: tuple[int, int, int, int, int, int]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr(zipfile.ZipInfo("word/document.xml", at), "<w:document/>")
        return buffer.getvalue()

    first = made((2027, 1, 11, 9, 0, 0))  # as python-docx writes it: the time of writing
    second = made((2027, 3, 2, 17, 30, 4))
    assert first != second
    assert reproducible(first) == reproducible(second)
    with zipfile.ZipFile(io.BytesIO(reproducible(first))) as z:
        assert z.read("word/document.xml") == b"<w:document/>"
