"""Every field of the rapid review report, read from the case's events in one place.

Also used by the covering letter to the Panel (panel_letter/), which states the same
conclusion and endorsements."""

from __future__ import annotations

from typing import Any

from application.config import Partnership
from documents.layout import long_date
from documents.letters import child_fields, person
from documents.record import CaseRecord
from domain.case import Case
from domain.values import (
    RECOMMENDATIONS_NEEDING_TEXT,
    Documentation,
    MeetingFormat,
    RapidReviewCriterion,
    Recommendation,
    SafeguardingPartner,
)

PARTNER_NAMES = {
    SafeguardingPartner.LOCAL_AUTHORITY: "Local authority",
    SafeguardingPartner.POLICE: "Police",
    SafeguardingPartner.ICB: "Integrated care board (ICB)",
}
FORMATS = {
    MeetingFormat.FACE_TO_FACE: "face to face",
    MeetingFormat.VIDEO: "video conference",
    MeetingFormat.TELEPHONE: "telephone conference",
}


def report_fields(record: CaseRecord, partnership: Partnership) -> dict[str, Any]:
    """The report's fields at the record's version: sections 2 and 3 blank (nothing ticked)
    until the meeting is recorded, approvals and the submission date as they arrive."""
    case = record.case
    meeting = record.last(Case.RapidReviewMeetingHeld)
    approvals = {e.partner: e for e in record.of(Case.RapidReviewReportApproved)}
    submitted = record.last(Case.RapidReviewSubmitted)
    recommendation = meeting.recommendation if meeting is not None else None
    criteria = set(meeting.criteria) if meeting is not None else set()
    return {
        "partnership": partnership.name,
        "reference": case.reference,
        "panel_reference": case.panel_reference,
        "child": child_fields(case.child),
        "meeting_held": meeting is not None,
        "meeting_on": meeting.on if meeting is not None else case.meeting_planned_on,
        "meeting_planned": meeting is None and case.meeting_planned_on is not None,
        "meeting_format": FORMATS[MeetingFormat(meeting.format)] if meeting is not None else "",
        "participants": [
            {"name": p.name, "role": p.role, "agency": p.agency}
            for p in (meeting.participants if meeting is not None else ())
        ],
        "family": [person(m) for m in case.details.family],
        "summary": case.details.outline,
        "documentation": documentation(record),
        "immediate_action_taken": meeting.immediate_action_taken if meeting else None,
        "immediate_action_details": meeting.immediate_action_details if meeting else "",
        # every box, "none of the above" too, as recorded (an old meeting that ticked
        # nothing shows nothing ticked: it cannot be told from one not recorded)
        "criteria": {c.value: c.value in criteria for c in RapidReviewCriterion},
        "none_of_the_above": RapidReviewCriterion.NONE_OF_THE_ABOVE.value in criteria,
        "discussion": meeting.discussion if meeting else "",
        "nature_of_harm": meeting.nature_of_harm if meeting else "",
        "legal_advice_sought": meeting.legal_advice_sought if meeting else None,
        "legal_advice_details": meeting.legal_advice_details if meeting else "",
        "recommended": {r.value: r.value == recommendation for r in Recommendation},
        "please_state": {
            r.value: meeting.recommendation_other
            if meeting is not None and r.value == recommendation
            else ""
            for r in RECOMMENDATIONS_NEEDING_TEXT
        },
        "rationale": meeting.rationale if meeting else "",
        "unanimous": meeting.unanimous if meeting else None,
        "dissent": meeting.dissent if meeting else "",
        "approvals": [
            {
                "partner": PARTNER_NAMES[p],
                "approver": approvals[p.value].approver if p.value in approvals else "",
                "on": approvals[p.value].on if p.value in approvals else None,
            }
            for p in SafeguardingPartner
        ],
        "all_approved": case.approvals_complete,
        "submitted_on": submitted.on if submitted is not None else None,
        "received_on": case.received_on,
        "notified_on": case.notified_on,
    }


def documentation(record: CaseRecord) -> list[str]:
    """What was shared with those attending (seed 001 "Documentation"), in the seed's words
    with the dates the case records: as the meeting recorded it, or (a meeting recorded
    before that was asked, or none yet) what the case holds -- the referral, the local
    authority's notification, the agencies' scoping forms."""
    case = record.case
    meeting = record.last(Case.RapidReviewMeetingHeld)
    recorded = set(meeting.documentation) if meeting is not None else set()
    notified = record.last(Case.NationalPanelNotified)
    returned = list(record.of(Case.ScopingReturned))
    shared = recorded or {
        Documentation.REFERRAL_FORM.value,
        *([Documentation.LA_NOTIFICATION.value] if notified is not None else []),
        *([Documentation.SCOPING_FORMS.value] if returned else []),
    }
    found = []
    if Documentation.JAR_MINUTES.value in shared:
        found.append("Minutes of a Joint Agency Response meeting")
    if Documentation.REFERRAL_FORM.value in shared:
        found.append(
            "The completed Referral of a Serious Incident Form that initiated the process "
            f"(received {long_date(case.received_on)})"
        )
    if Documentation.LA_NOTIFICATION.value in shared:
        when = (
            f" ({long_date(notified.on)}"
            + (f", reference {notified.panel_reference}" if notified.panel_reference else "")
            + ")"
            if notified is not None
            else ""
        )
        found.append(
            "The Local Authority Serious Incident Notification to Ofsted, DfE and the national "
            f"Panel{when}"
        )
    if Documentation.SCOPING_FORMS.value in shared:
        forms = "; ".join(f"{e.agency} (returned {long_date(e.on)})" for e in returned)
        found.append(
            "Copies of the completed Initial Scoping and Information Sharing Forms from "
            f"involved agencies{': ' + forms if forms else ''}"
        )
    return found
