"""The rapid review report as a document: the report (appendix iv), then the record."""

from __future__ import annotations

from application.config import Partnership
from documents.layout import Document
from documents.letters import record_note
from documents.markup import Templates
from documents.rapid_review.fields import report_fields
from documents.record import CaseRecord


def rapid_review_report(
    record: CaseRecord, partnership: Partnership, templates: Templates
) -> Document:
    reference = record.case.reference
    return Document(
        title=f"Report of the rapid review: {reference}",
        blocks=[
            *templates.render("rapid_review_report.md", report_fields(record, partnership)),
            record_note(record.stamp),
        ],
        stamp=record.stamp,
        author=partnership.name,
        keywords=(reference, "rapid review report"),
    )
