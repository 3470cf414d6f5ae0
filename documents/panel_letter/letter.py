"""The covering letter as a document: on the partnership's letterhead, then the record."""

from __future__ import annotations

from application.config import NationalPanel, Partnership
from documents.layout import Document
from documents.letters import letterhead, record_note
from documents.markup import Templates
from documents.panel_letter.fields import letter_fields
from documents.record import CaseRecord


def panel_letter(
    record: CaseRecord, partnership: Partnership, panel: NationalPanel, templates: Templates
) -> Document:
    reference = record.case.reference
    return Document(
        title=f"Letter to the Child Safeguarding Practice Review Panel: {reference}",
        blocks=[
            *letterhead(partnership),
            *templates.render("panel_letter.md", letter_fields(record, partnership, panel)),
            record_note(record.stamp),
        ],
        stamp=record.stamp,
        author=partnership.name,
        keywords=(reference, "letter to the national Panel"),
    )
