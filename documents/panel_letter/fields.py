"""Every field of the covering letter to the Panel, read from the case's events in one
place (the conclusion and endorsements are the rapid review report's own fields)."""

from __future__ import annotations

from typing import Any

from application.config import NationalPanel, Partnership
from documents.rapid_review.fields import report_fields
from documents.record import CaseRecord


def letter_fields(
    record: CaseRecord, partnership: Partnership, panel: NationalPanel
) -> dict[str, Any]:
    """The letter is dated the day the report was submitted (until then, the day of the
    version shown); its conclusion is the meeting's recommendation."""
    report = report_fields(record, partnership)
    missing = [a["partner"] for a in report["approvals"] if a["on"] is None]
    return {
        **report,
        "letter_date": report["submitted_on"] or record.as_of,
        "addressee": list(panel.addressee),
        "salutation": panel.salutation,
        "awaiting": ", ".join(missing),
        "signatory": vars(partnership.signatories["panel_letter"]),
    }
