"""An example body for every command, shown in the OpenAPI document at /docs.

Together they walk one invented case along the seed timetable (autumn 2025), so each is a
valid request in sequence; the end-to-end tests post them in that order. Nobody named here
is real.
"""

from __future__ import annotations

from typing import Any

CHILD = {
    "name": "Tamsin Orrowby",
    "date_of_birth": "2018-06-14",
    "nhs_number": "485 777 3456",
    "gender": "female",
    "ethnicity": "White British",
    "address": "12 Imaginary Lane, London",
    "looked_after": False,
    "child_protection_plan_previous": True,
    "child_protection_plan_details": "Neglect, 2022-2023",
    "open_to_social_care": True,
    "lead_practitioner": "Sam Worker",
}

REFERRAL_DETAILS = {
    "referrer": {
        "name": "Ada Referrer",
        "agency": "MASH",
        "title": "Team manager",
        "contact": "mash@example.org",
    },
    "safeguarding_lead": {"name": "Dee Lead", "agency": "MASH", "title": "DSL"},
    "child": CHILD,
    "family": [
        {
            "name": "Bryony Orrowby",
            "relationship": "mother",
            "address": "12 Imaginary Lane, London",
            "date_of_birth": "1990-02-01",
        }
    ],
    "agencies": [{"agency": "Health visiting", "reason": "Universal service", "current": True}],
    "outline": "Admitted to hospital with injuries the carers could not explain.",
    "reason": "Serious harm; abuse suspected.",
    "chronology": [{"occurred_on": "2025-10-04", "event": "Admitted to hospital", "time": "21:40"}],
    "other_information": "",
}

EXAMPLES: dict[str, dict[str, Any]] = {
    "refer_serious_incident": {
        "partnership": "LEW",
        "area": "Lewisham",
        "received_on": "2025-10-06",
        "details": REFERRAL_DETAILS,
        "incident": {
            "kind": "serious_harm",
            "occurred_on": "2025-10-04",
            "location": "Home",
            "carer_at_time": "Mother's partner",
            "abuse_or_neglect": "suspected",
            "criminal_investigation": True,
            "investigation_lead": "DI Example",
        },
        "siblings_action": "Sibling placed with grandmother under a safety plan.",
    },
    "alert_partners": {
        "on": "2025-10-06",
        "recipients": ["local_authority", "police", "icb", "lfp_chair"],
    },
    "recommend_criteria": {
        "on": "2025-10-07",
        "recommendation": "met",
        "rationale": "Serious harm and abuse suspected.",
    },
    "record_partner_decision": {
        "on": "2025-10-09",
        "partner": "local_authority",
        "decision": "met",
        "rationale": "Agree with the recommendation.",
    },
    "dispute_criteria": {"on": "2025-10-09", "summary": "Police consider the harm accidental."},
    "request_mediation": {
        "on": "2025-10-09",
        "mediator": "Independent scrutineer",
        "reason": "Partners disagree.",
    },
    "conclude_mediation": {"on": "2025-10-10", "outcome": "met", "summary": "Agreed: met."},
    "decide_criteria": {"on": "2025-10-10", "outcome": "met", "rationale": "All three agree."},
    "refer_to_learning_from_practice": {
        "on": "2025-10-10",
        "meeting": "next_scheduled",
        "meeting_on": None,
    },
    "notify_national_panel": {
        "on": "2025-10-13",
        "notified_by": "Director of Children's Services",
        "panel_reference": "CSPRP-2025-0001",
        "secretary_of_state_and_ofsted": False,
    },
    "start_rapid_review": {"on": "2025-10-14", "meeting_on": "2025-10-24"},
    "request_scoping": {
        "on": "2025-10-14",
        "agency": "Metropolitan Police",
        "contact": "safeguarding@police.example",
        "period_from": "2023-01-01",
        "period_to": "2025-10-04",
    },
    "secure_records": {
        "on": "2025-10-16",
        "agency": "Metropolitan Police",
        "note": "Records held by the named representative.",
    },
    "return_scoping": {
        "on": "2025-10-20",
        "agency": "Metropolitan Police",
        "completed_by": {
            "name": "Pat Officer",
            "agency": "Metropolitan Police",
            "title": "DI",
            "contact": "pat@police.example",
        },
        "involvement": True,
        "summary": "Two domestic incidents attended in 2024.",
        "analysis": "Referral to children's social care made promptly.",
        "inter_agency_concerns": "",
        "other_agencies": "Housing",
        "further_information": "",
    },
    "hold_meeting": {
        "on": "2025-10-24",
        "format": "face_to_face",
        "participants": [
            {
                "name": "Lee Head",
                "role": "Head of Service",
                "agency": "Children's Social Care",
                "represents": "local_authority",
            },
            {
                "name": "Di Inspector",
                "role": "Detective Inspector",
                "agency": "Metropolitan Police",
                "represents": "police",
            },
            {
                "name": "Nan Nurse",
                "role": "Designated Nurse",
                "agency": "SEL ICB",
                "represents": "icb",
            },
        ],
        "immediate_action_taken": True,
        "immediate_action_details": "Sibling safeguarded.",
        "criteria": ["agencies_working_together"],
        "discussion": "Facts reviewed against the criteria.",
        "nature_of_harm": "Serious physical harm.",
        "legal_advice_sought": False,
        "recommendation": "b_local_cspr",
        "rationale": "Potential learning about agencies working together.",
        "unanimous": True,
    },
    "approve_report": {"on": "2025-10-27", "partner": "local_authority", "approver": "Director"},
    "submit_rapid_review": {"on": "2025-10-28"},
    "receive_panel_response": {"on": "2025-11-12", "concurs": True, "view": "The Panel agrees."},
    "refer_practice_learning": {
        "partnership": "LEW",
        "area": "Lewisham",
        "received_on": "2025-10-08",
        "details": REFERRAL_DETAILS,
        "category": "near_miss",
        "learning": "Discharge planning nearly missed a safeguarding flag.",
        "incident": None,
    },
    "consider_learning_referral": {
        "on": "2025-11-05",
        "outcome": "anonymise_for_training",
        "notes": "A good case study.",
    },
    "inform_referrer": {"on": "2025-11-06", "note": "E-mailed the outcome."},
    "close_case": {"on": "2025-11-14", "reason": "Panel responded; review commissioned."},
    "reopen_case": {"on": "2025-11-17", "reason": "Closed in error."},
    "correct_details": {
        "what": "child.name",
        "new_value": "Tamsin Orrowbie",
        "reason": "Spelling confirmed with school records.",
    },
    "commission_review": {
        "partnership": "LEW",
        "review_type": "local_cspr",
        "on": "2025-11-14",
        "case_ids": ["00000000-0000-0000-0000-000000000000"],
        "theme": "",
    },
    "agree_terms_of_reference": {"on": "2025-11-20", "summary": "Scope: 2023 to the incident."},
    "appoint_reviewer": {
        "on": "2025-11-20",
        "name": "Rae Reviewer",
        "role": "independent_reviewer",
        "independent": True,
    },
    "record_family_participation": {"on": "2025-12-01", "participated": True, "note": ""},
    "check_progress": {"on": "2026-01-15", "on_track": True, "note": "Chronology complete."},
    "defer_publication": {"on": "2026-02-02", "reason": "Criminal proceedings."},
    "resume_publication": {"on": "2026-03-02", "reason": "Trial concluded."},
    "receive_final_report": {"on": "2026-04-15"},
    "send_pre_publication_copy": {
        "on": "2026-04-20",
        "recipients": ["national_panel", "secretary_of_state"],
    },
    "agree_action": {
        "on": "2026-04-20",
        "description": "Joint training on unexplained injuries.",
        "owner_agency": "Metropolitan Police",
        "due_on": "2026-07-31",
    },
    "publish_review": {"on": "2026-05-11", "link": "https://example.org/reviews/2025-01"},
    "complete_action": {
        "on": "2026-07-20",
        "action_id": "A1",
        "evidence": "Delivered to 80 staff.",
    },
    "disseminate_learning": {
        "on": "2026-07-22",
        "format": "seven_minute_briefing",
        "audience": "All partners",
        "note": "",
    },
    "close_review": {"on": "2026-07-31", "reason": "Published and all actions complete."},
}
