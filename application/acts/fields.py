"""What each field of a request means: one description per field, in the forms' own words.

The request models (api/schemas.py) and so ``/openapi.json`` carry these descriptions on
every body field of every act and every field of the domain's value types (``Contact``,
``Child``, ``Incident``...), so that an agency integrator generating a client knows what
each field means. The wording is the source forms' where they have it (seed 001: the
referral form's questions, the scoping form's sections, the rapid review report's sections
2.1 to 3) and DESIGN's otherwise; the choices of a vocabulary are documented as its enum, so
they are not repeated here, nor is a date's format (``format: date``, YYYY-MM-DD).

- ``ACT_FIELDS``: an act's body field, by name, with the meaning it has in every act that
  has it (``on``: the day the act happened).
- An act whose field means something more particular says so in its own declaration, in
  the class attribute ``field_notes`` (``field_notes = notes(on="The day the local
  authority notified the national Panel.")``), which replaces the generic description for
  that act alone. A dict on the declaration (made by ``notes``, as ``example`` is by
  ``body``) was chosen over ``Annotated`` metadata on each field: it leaves the field types,
  which the domain and the request models read, alone, and an act lists only what differs,
  never repeating the generic text.
- ``VALUE_FIELDS``: a value type's field, by ``"Type.field"`` where the meaning depends on
  the type (``"Incident.occurred_on"`` is the day of the incident, ``"ChronologyEntry.
  occurred_on"`` the day of an event), else by the field's name alone (``date_of_birth``).

A field with no description is a programming error: ``act_field`` and ``value_field``
raise, so a new field cannot reach the API undocumented (tests/unit/api/
test_field_descriptions.py also fails on a description nothing uses any more).
"""

from __future__ import annotations

from application.acts.base import Act

ACT_FIELDS: dict[str, str] = {
    # --- the referrals (seed 001 appendices i and vi)
    "partnership": "The partnership's code in the partnerships file (e.g. LEW); the case or "
    "review is that partnership's.",
    "area": "The local authority area of the case, one of the partnership's own areas "
    "(e.g. Lewisham).",
    "received_on": "Date of referral: the day the partnership received it; the referral's "
    "clocks start from it.",
    "details": "What the referral form records: the referrer, the safeguarding lead consulted, "
    "the child and family, the agencies involved and the case background.",
    "incident": "The death or serious incident: its date and circumstances, as the referral "
    "form's section 1.1 asks for them.",
    "aware_on": "The day the local authority became aware of the incident, from which the 5 "
    "working days to notify the Panel run; when omitted, the date of referral.",
    "siblings_action": "What action has been undertaken to safeguard and protect any siblings "
    "of the child who is the subject of this referral.",
    "category": "What the practice-learning referral is about.",
    "learning": "A brief description of what the referrer thinks could be learned from this "
    "referral.",
    # --- every act of a case or review
    "on": "The day it happened (its effective date, Europe/London): neither in the future nor "
    "before the case or review began.",
    # --- the decision (seed 001 "What happens next", seed 004 §2-3)
    "rationale": "The reasons for the recommendation or decision.",
    "partner": "The safeguarding partner acting; a partner's key may name only its own.",
    "decision": "This partner's decision on whether the criteria for a review are met.",
    "summary": "In brief, what is disputed or what the mediation concluded.",
    "mediator": "Who is asked to mediate, normally the independent scrutineer.",
    "reason": "The reason, in a sentence or two: why the case or review is closed or "
    "reopened, or why mediation is asked for.",
    "outcome": "Whether the criteria for a review are met.",
    "meeting": "Which meeting of the Learning from Practice group takes the case: the next "
    "scheduled one or a special meeting.",
    "meeting_on": "The day of the meeting, where known; not before `on`.",
    "notified_by": "Who notified for the local authority (a name or post, e.g. Director of "
    "Children's Services).",
    "panel_reference": "The national Panel's reference for the notification, where it gave one.",
    "secretary_of_state_and_ofsted": "Whether the same notification also went to the Secretary "
    "of State and Ofsted (the death of a looked-after child).",
    "reference": "The reference the notification was given, where there is one.",
    # --- the rapid review (seed 001 appendices ii-iv)
    "agency": "The agency the scoping request is addressed to, named as that agency's API "
    "key names it; an agency's key may name only its own.",
    "contact": "The agency's named representative for the request: a name, e-mail address or "
    "telephone number.",
    "due_on": "The day the action is due (by the end of that day, Europe/London).",
    "period_from": "The first day of the indicative time period the agency is asked to look at.",
    "period_to": "The last day of the indicative time period the agency is asked to look at.",
    "note": "Anything else worth recording, in free text.",
    "agencies": "The agencies told, by name, each once (those that took part in the rapid "
    "review: the ones asked for a scoping form).",
    "concern": "The dispute or concern about the progress of practice development and "
    "learning, as reported to the Strategic Partners, in free text.",
    "completed_by": "The individual completing the form: name, agency and job title, contact "
    "details (address, telephone number and e-mail address).",
    "involvement": "Whether the agency had any involvement with the subject child or the "
    "family members named in section 1 of the form (false confirms it had none).",
    "analysis": "2. Brief analysis of individual or agency practice: any outstanding practice "
    "or potential learning.",
    "inter_agency_concerns": "3. Any areas for concern as to the way in which partners have "
    "worked together to safeguard the subject child.",
    "other_agencies": "4. Any other agencies the agency knows to be involved, with details.",
    "further_information": "5. Any further relevant information to bring to the attention of "
    "the rapid review meeting.",
    "participants": "List of participants in the rapid review, each with job role and agency; "
    "quorate only with a representative of the local authority, police and ICB each.",
    "immediate_action_taken": "2.1 Has all appropriate immediate action been taken to ensure "
    "children's safety and share any learning appropriately?",
    "immediate_action_details": "2.1 Details of the action taken; if none, what actions need to "
    "be taken, when and by whom.",
    "criteria": "2.2 The criteria for a local child safeguarding practice review the case has "
    "the potential to meet, agreed by all participants; none_of_the_above only alone.",
    "discussion": "2.3 Record of the discussion and case analysis against the criteria for "
    "statutory review processes, with any immediate learning that can be acted upon.",
    "nature_of_harm": "2.3 The nature of the harm suffered, and whether it meets the criteria "
    "for serious harm or long-term impairment of health.",
    "legal_advice_sought": "2.3 Has legal advice been sought?",
    "legal_advice_details": "2.3 If legal advice was sought, its details.",
    "recommendation_other": "The 'please state' text of recommendation d (DHR, SAR, MAPPA SFO "
    "or other) or j (other); required with either.",
    "unanimous": "Whether the participants agreed the recommended outcome unanimously.",
    "dissent": "Where agreement was not unanimous, the disagreement, recorded to be shared "
    "with the lead representatives of the three partners; required then.",
    "documentation": "The documentation available to the rapid review (shared with those "
    "attending the meeting).",
    "approver": "Who approved for the partner: its lead representative's name or post.",
    "concurs": "Whether the national Panel concurs with the rapid review's recommendation.",
    "view": "The Panel's view, as it gave it.",
    # --- learning from practice (seed 001 "What happens next", seeds 002, 003)
    "notes": "Anything else worth recording, in free text.",
    "forum": "The wider forum the learning was taken to, by name (e.g. Practice Development "
    "Forum).",
    # --- action plans (seed 001 "Next Steps", seed 003 §4)
    "description": "What is to be done.",
    "owner_agency": "The agency that owns the action and must complete it.",
    "action_id": "The action's id (A<n>), from the answer to the act that agreed it.",
    "evidence": "The evidence that the action has been completed.",
    "improvement": "Where and how practice has improved as a result.",
    # --- corrections
    "what": "The field corrected, as a dotted path: child.name, incident.occurred_on, "
    "details.outline, area...",
    "new_value": "The corrected value, of that field's type: text, a YYYY-MM-DD date, "
    "true/false, or null where the field may be empty.",
    # --- reviews (DESIGN §3.2)
    "review_type": "What kind of review or audit is commissioned.",
    "case_ids": "The ids of the cases the review covers, each one of the partnership's own; "
    "empty for a theme alone.",
    "theme": "The theme of a thematic review across several cases, if it is one.",
    "name": "The name of the chair or reviewer appointed.",
    "role": "The appointee's role in the review.",
    "independent": "Whether the appointee is independent of the partnership's agencies.",
    "participated": "Whether the child's family took part in the review.",
    "on_track": "Whether the review is on track for time and quality.",
    "link": "Where the published review can be read (a URL).",
    "audience": "Who the learning was disseminated to.",
}

VALUE_FIELDS: dict[str, str] = {
    # --- by name: the same meaning in every value type that has the field
    "name": "The person's name.",
    "also_known_as": "Any other names the person is also known by.",
    "date_of_birth": "Date of birth, where known.",
    "date_of_death": "Date of death, where the person has died.",
    "address": "Home address.",
    "previous_addresses": "Previous addresses, one per item.",
    "ethnicity": "Ethnic origin.",
    "agency": "The agency or organisation the person works for.",
    "contact": "Contact details: address, telephone number and e-mail address.",
    # --- Contact: a person on a form
    "Contact.title": "Designation or job title.",
    # --- Child: seed 001 appendix i §1.1 'Child's Details'
    "Child.name": "Name of the child.",
    "Child.nhs_number": "The child's NHS number.",
    "Child.gender": "Gender.",
    "Child.faith": "Faith or religion.",
    "Child.disability": "Any disability.",
    "Child.looked_after": "Is the child or young person looked after?",
    "Child.care_leaver": "Is the young person a care leaver (whose death is notified to the "
    "Secretary of State and Ofsted)?",
    "Child.child_protection_plan_current": "Is the child or young person subject to a child "
    "protection plan?",
    "Child.child_protection_plan_previous": "Has the child or young person been subject to a "
    "child protection plan before?",
    "Child.child_protection_plan_details": "If subject to a plan now or before: when, for what "
    "and for how long.",
    "Child.open_to_social_care": "Is the child or young person open to Children's Social Care "
    "or a Children & Families Practice?",
    "Child.lead_practitioner": "If open to social care, who is the lead practitioner.",
    # --- Incident: seed 001 appendix i, date of death or serious incident
    "Incident.kind": "Whether the child died or was seriously harmed (no_harm for practice "
    "learning).",
    "Incident.occurred_on": "Date of death or serious incident.",
    "Incident.location": "Address of location of incident.",
    "Incident.carer_at_time": "Carer at time of incident.",
    "Incident.abuse_or_neglect": "Whether abuse or neglect of the child is known or suspected.",
    "Incident.extra_familial_factors": "Extra-familial safeguarding factors such as violence, "
    "exploitation or criminality in the school, community or peer network.",
    "Incident.criminal_investigation": "Is this case known to be the subject of a criminal "
    "investigation?",
    "Incident.investigation_lead": "If so, who is the lead investigator.",
    "Incident.coroners_inquiry": "Is this case known to be the subject of a Coroner's Inquiry?",
    "Incident.coroner_contact": "If so, who is the key contact.",
    "Incident.adult_safeguarding_concerns": "Are there any adult safeguarding concerns?",
    "Incident.adult_safeguarding_contact": "If so, who is the key contact.",
    "Incident.adult_referral_form_shared": "Have the adult safeguarding concerns been shared "
    "via completing an Adult referral form?",
    "Incident.child_death_review_referral": "Was the death referred through the Child Death "
    "Review process (a Joint Agency Response)?",
    "Incident.child_perpetrator": "Did the child harm another? Child perpetrators may also be "
    "the subject of a review.",
    # --- FamilyMember: seed 001 appendix i §1.2 'Family Members and any Significant Others'
    "FamilyMember.relationship": "Relationship to the child (mother, father, sibling, a "
    "significant adult...).",
    "FamilyMember.legal_status": "Legal status (e.g. parental responsibility).",
    # --- AgencyInvolvement: seed 001 appendix i §1.3 'Other agencies known to be involved'
    "AgencyInvolvement.agency": "An agency known to be involved with the child or family.",
    "AgencyInvolvement.reason": "Reason for involvement.",
    "AgencyInvolvement.current": "Whether the involvement is current.",
    # --- ChronologyEntry: a key event around the time of the incident
    "ChronologyEntry.occurred_on": "Date of the event.",
    "ChronologyEntry.event": "The event: only key events around the time of the incident, "
    "not a detailed chronology.",
    "ChronologyEntry.time": "Time of the event, where known (e.g. 21:40).",
    # --- Participant: seed 001 appendix iv 'List of Participants in Rapid Review'
    "Participant.role": "Job role or title.",
    "Participant.represents": "The safeguarding partner the participant represents, if a "
    "partner's representative (null otherwise).",
    # --- ReferralDetails: what both referral forms share (seed 001 appendices i and vi)
    "ReferralDetails.referrer": "The referrer: name, agency and designation, contact details.",
    "ReferralDetails.safeguarding_lead": "The designated safeguarding lead or officer with "
    "whom the referrer discussed the case.",
    "ReferralDetails.child": "The child's details (the referral form's section 1.1).",
    "ReferralDetails.family": "Details of family members and any significant others (the "
    "form's section 1.2).",
    "ReferralDetails.agencies": "Other agencies known to be involved (the form's section 1.3).",
    "ReferralDetails.outline": "A brief outline of the child and family circumstances and the "
    "incident that triggered this referral.",
    "ReferralDetails.reason": "Why the referral is made.",
    "ReferralDetails.chronology": "Key events around the time of the incident (not a detailed "
    "chronology).",
    "ReferralDetails.other_information": "Any additional information that may be relevant and "
    "may assist decision-making.",
}


def act_field(act: type[Act], name: str) -> str:
    """What field ``name`` of ``act`` means: the act's own note, else the generic text."""
    described = act.field_notes.get(name) or ACT_FIELDS.get(name)
    if not described:
        raise LookupError(
            f"no description of {act.__name__}.{name}: add it to ACT_FIELDS in "
            "application/acts/fields.py, or to the act's field_notes"
        )
    return described


def value_field(cls: type, name: str) -> str:
    """What field ``name`` of value type ``cls`` means (by type and name, else by name)."""
    described = VALUE_FIELDS.get(f"{cls.__name__}.{name}") or VALUE_FIELDS.get(name)
    if not described:
        raise LookupError(
            f"no description of {cls.__name__}.{name}: add it to VALUE_FIELDS in "
            "application/acts/fields.py"
        )
    return described
