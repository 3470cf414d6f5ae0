"""Value types of the safeguarding process: the vocabulary of the seed forms.

Enums carry the wording of the forms (seed 001 appendices i, iii, iv, vi) so that a value
stored in an event reads the same in ten years. Events store the enum *value* (a string):
``parse`` turns an incoming string into a member or refuses it with a clear message.
Value objects are frozen dataclasses; sequences inside them are tuples.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

from domain.chain import later
from domain.errors import InvalidValueError

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class OneOf:
    """Marks a text field as one of a vocabulary: ``Annotated[str, OneOf(IncidentKind)]``.

    Changes nothing at run time (the domain still ``parse``s every value); request models
    and API documentation read it to validate and list the choices."""

    vocabulary: type[StrEnum]


def parse(enum: type[E], value: str | E, what: str) -> E:
    """The member of ``enum`` named by ``value``, or an InvalidValueError naming the choices."""
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum)
        raise InvalidValueError(f"{what} {value!r} is not one of: {choices}") from None


# Characters no text of the process carries: C0 and C1 control characters but tab, line
# feed and carriage return, DEL, and lone surrogates (not encodable: PostgreSQL refuses NUL
# and every invalid UTF-8 sequence, so one such value would stop the read models).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(value: str, what: str) -> str:
    """``value``, or InvalidValueError when it holds a control character (tab and newlines
    aside) or a lone surrogate."""
    found = CONTROL_CHARACTERS.search(value)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise InvalidValueError(f"{what} contains the control character {code}")
    return value


def refuse_control_characters(value: object, what: str) -> None:
    """Every text inside ``value`` (a string, a sequence, a mapping or a dataclass, nested)
    is ``printable``, else InvalidValueError naming the field."""
    if isinstance(value, str):
        printable(value, what)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            refuse_control_characters(item, f"{what}[{i}]")
    elif isinstance(value, dict):
        for k, item in value.items():
            refuse_control_characters(k, f"{what} key")
            refuse_control_characters(item, f"{what}.{k}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            refuse_control_characters(getattr(value, f.name), f"{what}.{f.name}")


def text(value: str, what: str, *, required: bool = True, limit: int = 20000) -> str:
    """``value`` stripped, or InvalidValueError when missing, not text, or too long."""
    if not isinstance(value, str):
        raise InvalidValueError(f"{what} must be text")
    value = printable(value.strip(), what)
    if required and not value:
        raise InvalidValueError(f"{what} is required")
    if len(value) > limit:
        raise InvalidValueError(f"{what} is longer than {limit} characters")
    return value


class CaseKind(StrEnum):
    SERIOUS_INCIDENT = "serious_incident"
    PRACTICE_LEARNING = "practice_learning"


class SafeguardingPartner(StrEnum):
    """The three statutory safeguarding partners (Children Act 2004 s16E)."""

    LOCAL_AUTHORITY = "local_authority"
    POLICE = "police"
    ICB = "icb"  # integrated care board, formerly the CCG


SAFEGUARDING_PARTNERS: frozenset[SafeguardingPartner] = frozenset(SafeguardingPartner)


class AlertRecipient(StrEnum):
    """Who the strategic lead alerts within one working day (seed 001)."""

    LOCAL_AUTHORITY = "local_authority"
    POLICE = "police"
    ICB = "icb"
    LFP_CHAIR = "lfp_chair"


class CriteriaOutcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"


class IncidentKind(StrEnum):
    DEATH = "death"
    SERIOUS_HARM = "serious_harm"
    NO_HARM = "no_harm"  # practice learning: near misses, good practice


class AbuseOrNeglect(StrEnum):
    KNOWN = "known"
    SUSPECTED = "suspected"
    NOT_SUSPECTED = "not_suspected"


class MeetingFormat(StrEnum):
    FACE_TO_FACE = "face_to_face"
    VIDEO = "video"
    TELEPHONE = "telephone"


class RapidReviewCriterion(StrEnum):
    """Seed 001 appendix iv §2.2: the case has the potential to meet these criteria."""

    IMPROVEMENTS_NEEDED = "improvements_needed"
    RECURRENT_THEMES = "recurrent_themes"
    AGENCIES_WORKING_TOGETHER = "agencies_working_together"
    PANEL_SUGGESTED_LOCAL_REVIEW = "panel_suggested_local_review"
    SINGLE_AGENCY_CONCERN = "single_agency_concern"
    NO_AGENCY_INVOLVEMENT_CONCERN = "no_agency_involvement_concern"
    MORE_THAN_ONE_AREA = "more_than_one_area"
    INSTITUTIONAL_SETTING = "institutional_setting"
    # chosen alone: the meeting considered the criteria and none applies (an empty list
    # says only that none was recorded)
    NONE_OF_THE_ABOVE = "none_of_the_above"


class Documentation(StrEnum):
    """Seed 001 "Documentation": what is shared with those attending the rapid review."""

    JAR_MINUTES = "jar_minutes"  # minutes of a Joint Agency Response meeting
    REFERRAL_FORM = "referral_form"  # the Referral of a Serious Incident Form
    LA_NOTIFICATION = "la_notification"  # the LA's notification to Ofsted, DfE and the Panel
    SCOPING_FORMS = "scoping_forms"  # the agencies' initial scoping forms


class Recommendation(StrEnum):
    """Seed 001 appendix iv §3, recommendations a) to j)."""

    NATIONAL_CSPR = "a_national_cspr"
    LOCAL_CSPR = "b_local_cspr"
    ALTERNATIVE_LEARNING_REVIEW = "c_alternative_learning_review"
    CONSIDER_DHR_SAR_MAPPA = "d_consider_dhr_sar_mappa_other"
    SINGLE_AGENCY_REVIEW = "e_single_agency_review"
    MULTI_AGENCY_AUDIT = "f_multi_agency_audit"
    SINGLE_AGENCY_AUDIT = "g_single_agency_audit"
    NO_FURTHER_ACTION = "h_no_further_action"
    LEARNING_ACTED_UPON = "i_learning_acted_upon"
    OTHER = "j_other"


RECOMMENDATIONS_NEEDING_TEXT = frozenset(
    {Recommendation.CONSIDER_DHR_SAR_MAPPA, Recommendation.OTHER}
)


class LearningCategory(StrEnum):
    """What a practice-learning referral is about (seeds 000, 001 appendix vi, 003 §4)."""

    NO_HARM_INCIDENT = "no_harm_incident"
    NEAR_MISS = "near_miss"
    GOOD_PRACTICE = "good_practice"
    NEW_SAFEGUARDING_CHALLENGE = "new_safeguarding_challenge"
    CHILD_OR_FAMILY_FEEDBACK = "child_or_family_feedback"
    INTERAGENCY_CONCERN = "interagency_concern"
    SERIOUS_INCIDENT_NOT_MEETING_CRITERIA = "serious_incident_not_meeting_criteria"


class LearningOutcome(StrEnum):
    """What the Learning from Practice group decides (seed 001 'What happens next')."""

    REVIEW_CASE = "review_case"
    THEMATIC_REVIEW = "thematic_review"
    SINGLE_AGENCY_AUDIT = "single_agency_audit"
    MULTI_AGENCY_AUDIT = "multi_agency_audit"
    ANONYMISE_FOR_TRAINING = "anonymise_for_training"
    WIDER_FORUM = "wider_forum"
    NO_FURTHER_ACTION = "no_further_action"
    # seeds 000, 003, 004 §4.3
    PRACTITIONER_REVIEW = "practitioner_review"  # workshop, management review, event, summit
    ACTION_PLAN = "action_plan"  # an incident-specific action plan (seed 003 §4)
    BRIEFING = "briefing"  # learning disseminated through briefings (seed 003 §4)
    LINK_LEDER = "link_leder"  # linked to a LeDeR review
    LINK_DHR = "link_dhr"  # linked to a Domestic Homicide Review
    LINK_SAR = "link_sar"  # linked to a Safeguarding Adults Review


class LfpMeeting(StrEnum):
    NEXT_SCHEDULED = "next_scheduled"
    SPECIAL = "special"


class ReviewType(StrEnum):
    NATIONAL_CSPR = "national_cspr"
    LOCAL_CSPR = "local_cspr"
    LEARNING_REVIEW = "learning_review"
    SINGLE_AGENCY_REVIEW = "single_agency_review"
    MULTI_AGENCY_AUDIT = "multi_agency_audit"
    SINGLE_AGENCY_AUDIT = "single_agency_audit"
    DHR_SAR_MAPPA_REFERRAL = "dhr_sar_mappa_referral"
    OTHER = "other"


class ReviewerRole(StrEnum):
    INDEPENDENT_CHAIR = "independent_chair"
    INDEPENDENT_REVIEWER = "independent_reviewer"
    LEAD_REVIEWER = "lead_reviewer"


class DisseminationFormat(StrEnum):
    BRIEFING = "briefing"
    SEVEN_MINUTE_BRIEFING = "seven_minute_briefing"
    TRAINING = "training"
    EVENT = "event"
    NEWSLETTER = "newsletter"
    OTHER = "other"


class PrePublicationRecipient(StrEnum):
    NATIONAL_PANEL = "national_panel"
    SECRETARY_OF_STATE = "secretary_of_state"


class Role(StrEnum):
    """DESIGN §5: what a principal may do."""

    AGENCY = "agency"
    PARTNERSHIP = "partnership"
    PARTNER = "partner"
    SCRUTINEER = "scrutineer"
    ANALYST = "analyst"
    ADMIN = "admin"
    SYSTEM = "system"  # the tracker itself (its scheduler); no API key holds it


class Source(StrEnum):
    API = "api"
    SCHEDULER = "scheduler"
    IMPORT = "import"
    CLI = "cli"


# --- value objects -------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """A person on a form: name, agency, designation/title and contact details."""

    name: str
    agency: str
    title: str = ""
    contact: str = ""


@dataclass(frozen=True)
class Child:
    """Seed 001 appendix i §1.1 'Child's Details' (and appendix vi §1.2)."""

    name: str
    date_of_birth: date | None = None
    also_known_as: str = ""
    nhs_number: str = ""
    gender: str = ""
    ethnicity: str = ""
    faith: str = ""
    disability: str = ""
    address: str = ""
    looked_after: bool = False
    care_leaver: bool = False
    child_protection_plan_current: bool = False
    child_protection_plan_previous: bool = False
    child_protection_plan_details: str = ""
    open_to_social_care: bool = False
    lead_practitioner: str = ""
    date_of_death: date | None = None
    previous_addresses: tuple[str, ...] = later(())  # seed 001 appendix iii section 1


@dataclass(frozen=True)
class Incident:
    """Seed 001 appendix i: date of death or serious incident and its circumstances."""

    kind: Annotated[str, OneOf(IncidentKind)]
    occurred_on: date
    location: str = ""
    carer_at_time: str = ""
    abuse_or_neglect: Annotated[str, OneOf(AbuseOrNeglect)] = AbuseOrNeglect.SUSPECTED.value
    extra_familial_factors: str = ""
    criminal_investigation: bool = False
    investigation_lead: str = ""
    coroners_inquiry: bool = False
    coroner_contact: str = ""
    adult_safeguarding_concerns: bool = False
    adult_safeguarding_contact: str = ""
    # "... and have these been shared via completing an Adult referral form?" (seed 001)
    adult_referral_form_shared: bool = later(False)
    # referred through the Child Death Review process (a Joint Agency Response, seed 004 §5)
    child_death_review_referral: bool = later(False)
    # the child harmed another: "child perpetrators may also be the subject of a review"
    child_perpetrator: bool = later(False)


@dataclass(frozen=True)
class FamilyMember:
    """Seed 001 appendix i §1.2: name and address, relationship, DOB, legal status, ethnicity."""

    name: str
    relationship: str
    address: str = ""
    date_of_birth: date | None = None
    legal_status: str = ""
    ethnicity: str = ""
    also_known_as: str = later("")  # seed 001 appendix iii section 1
    previous_addresses: tuple[str, ...] = later(())
    date_of_death: date | None = later(None)


@dataclass(frozen=True)
class AgencyInvolvement:
    """Seed 001 appendix i §1.3: other agencies known to be involved."""

    agency: str
    contact: str = ""
    reason: str = ""
    current: bool = True


@dataclass(frozen=True)
class ChronologyEntry:
    """A key event around the time of the incident (not a detailed chronology)."""

    occurred_on: date
    event: str
    time: str = ""


@dataclass(frozen=True)
class Participant:
    """A rapid review meeting participant; ``represents`` names a safeguarding partner."""

    name: str
    role: str
    agency: str
    # when a partner's representative: which safeguarding partner
    represents: Annotated[str | None, OneOf(SafeguardingPartner)] = None


@dataclass(frozen=True)
class Audit:
    """DESIGN §6: who acted, when, and through which request. Carried by every event."""

    actor_id: str
    role: str
    recorded_at: datetime  # server time, UTC
    agency: str = ""
    person: str = ""
    request_id: str = ""
    idempotency_key: str = ""
    source: str = Source.API.value
    partnership: str = ""


@dataclass(frozen=True)
class ReferralDetails:
    """What every referral form shares (seed 001 appendices i and vi)."""

    referrer: Contact
    safeguarding_lead: Contact | None = None
    child: Child | None = None
    family: tuple[FamilyMember, ...] = field(default=())
    agencies: tuple[AgencyInvolvement, ...] = field(default=())
    outline: str = ""
    reason: str = ""
    chronology: tuple[ChronologyEntry, ...] = field(default=())
    other_information: str = ""
