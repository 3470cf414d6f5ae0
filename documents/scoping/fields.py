"""Every field of the scoping pack, read from the case's events in one place."""

from __future__ import annotations

from datetime import date
from typing import Any

from application.config import Partnership
from application.errors import NotFoundError
from documents.layout import long_date
from documents.letters import (
    child_fields,
    contact_line,
    family_groups,
    person_blank,
    return_address,
)
from documents.record import CaseRecord
from domain.calendar import WorkingDayCalendar
from domain.case import Case
from domain.clocks import ClockName
from domain.values import IncidentKind


def scoping_fields(
    record: CaseRecord, agency: str, partnership: Partnership, calendar: WorkingDayCalendar
) -> dict[str, Any]:
    """The letter's and the form's fields for ``agency`` (NotFound: no request to it)."""
    case = record.case
    requested = record.last(Case.ScopingRequested, agency=agency)
    if requested is None:
        raise NotFoundError(f"no scoping request to {agency!r} in case {case.reference}")
    # the submission date is the scoping clock's due day (domain/clocks.py)
    clock = record.clock(ClockName.SCOPING_RETURNED, agency)
    due_on = clock.due_on if clock is not None else requested.due_on
    secured = record.last(Case.AgencyRecordsSecured, agency=agency)
    returned = record.last(Case.ScopingReturned, agency=agency)
    incident = case.incident
    head = partnership.letterhead
    return {
        "partnership": partnership.name,
        "reference": case.reference,
        "agency": agency,
        "contact": requested.contact,
        "letter_date": requested.on,
        "submission_date": due_on,
        "submission_day": long_date(due_on, weekday=True),
        "working_days": calendar.working_days_between(requested.on, due_on),
        "national_working_days": partnership.timescales.rapid_review_submission,
        "contact_line": contact_line(head),
        "advice_contact": head.contact or partnership.name,
        "telephone": head.telephone,
        "email": head.email,
        "return_address": return_address(head),
        "signatory": vars(partnership.signatories["scoping_letter"]),
        "summary": case.details.outline,
        "incident": (
            f"{IncidentKind(incident.kind).value.replace('_', ' ')} on "
            f"{long_date(incident.occurred_on)}"
            if incident is not None
            else ""
        ),
        "period": _period(requested.period_from, requested.period_to),
        "child": child_fields(case.child),
        **family_groups(case.details.family),
        "records_secured_on": secured.on if secured is not None else None,
        "records_note": secured.note if secured is not None else "",
        "returned": returned is not None,
        "answers": _answers(returned),
        "blank": person_blank(),
    }


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{long_date(start)} to {long_date(end)}"
    if start:
        return f"from {long_date(start)}"
    if end:
        return f"up to {long_date(end)}"
    return "Not stated: the whole of the agency's involvement."


def _answers(event: Any) -> dict[str, Any]:
    """The agency's answers (section 2 and the contact table): blank until it returns."""
    if event is None:
        keys = ("name", "agency_and_title", "contact", "summary", "analysis")
        more = ("inter_agency_concerns", "other_agencies", "further_information")
        return dict.fromkeys((*keys, *more), "") | {"on": None, "involvement": None}
    who = event.completed_by
    return {
        "on": event.on,
        "name": who.name,
        "agency_and_title": ", ".join(filter(None, (who.agency, who.title))),
        "contact": who.contact,
        "involvement": event.involvement,
        "summary": event.summary,
        "analysis": event.analysis,
        "inter_agency_concerns": event.inter_agency_concerns,
        "other_agencies": event.other_agencies,
        "further_information": event.further_information,
    }
