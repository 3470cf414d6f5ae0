"""The scoping pack as a document: the letter (appendix ii) on the partnership's
letterhead, then the form (appendix iii), then the document record."""

from __future__ import annotations

from application.config import Partnership
from documents.layout import Document, PageBreak
from documents.letters import letterhead, record_note
from documents.markup import Templates
from documents.record import CaseRecord
from documents.scoping.fields import scoping_fields
from domain.calendar import WorkingDayCalendar


def scoping_pack(
    record: CaseRecord,
    agency: str,
    partnership: Partnership,
    templates: Templates,
    calendar: WorkingDayCalendar,
) -> Document:
    fields = scoping_fields(record, agency, partnership, calendar)
    reference = record.case.reference
    return Document(
        title=f"Initial scoping and information sharing: {reference}, {agency}",
        blocks=[
            *letterhead(partnership),
            *templates.render("scoping_letter.md", fields),
            PageBreak(),
            *templates.render("scoping_form.md", fields),
            record_note(record.stamp),
        ],
        stamp=record.stamp,
        author=partnership.name,
        keywords=(reference, agency, "scoping pack"),
    )
