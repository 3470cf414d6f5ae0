"""What a message may say of an event: the facts of it that name no one.

Events hold personal data (names, dates of birth, addresses, NHS numbers) and free text
(rationales, summaries, notes, the dissent): none of it goes into a message. A webhook's
``data`` and an e-mail's fields are the event's reference, partnership, dates, vocabulary
values (outcomes, recommendations, partners), agencies and links -- the fields named in
``SAFE_FIELDS`` -- and, for an agency, only what concerns it: another agency's name is left
out, and its own scoping request comes with the contact and period it gave.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from domain.base import AuditedAggregate
from domain.case import Case
from domain.clocks import ClockName
from domain.review import Review

# Event fields that are neither personal data nor free text (vocabularies, dates, ids).
SAFE_FIELDS = frozenset(
    {
        "on",
        "received_on",
        "aware_on",
        "due_on",
        "started_on",
        "meeting_on",
        "period_from",
        "period_to",
        "clock",
        "subject",
        "agency",
        "agencies",
        "owner_agency",
        "action_id",
        "outcome",
        "recommendation",
        "decision",
        "partner",
        "recipients",
        "concurs",
        "unanimous",
        "format",
        "category",
        "area",
        "review_type",
        "on_track",
        "participated",
        "independent",
        "criteria",
        "secretary_of_state_and_ofsted",
    }
)
# Fields that name an agency: an agency's subscriber reads them only for itself.
AGENCY_FIELDS = ("agency", "owner_agency")

OUTCOME_WORDS = {  # seed 001's timetable, "the outcome of the Rapid Review"
    "a_national_cspr": "national Child Safeguarding Practice Review",
    "b_local_cspr": "local Child Safeguarding Practice Review",
    "c_alternative_learning_review": "alternative Learning Review",
    "d_consider_dhr_sar_mappa_other": "Consideration of DHR, SAR, MAPPA SFO",
    "e_single_agency_review": "Single agency review",
    "f_multi_agency_audit": "Multi Agency Audit",
    "g_single_agency_audit": "Single Agency Audit",
    "h_no_further_action": "No Further Action",
    "i_learning_acted_upon": "Learning that can be acted upon",
    "j_other": "Other",
}


def words(value: str) -> str:
    """A vocabulary value as words: ``not_met`` -> ``not met``."""
    return OUTCOME_WORDS.get(value) or value.replace("_", " ")


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def responsible_agency(agg: AuditedAggregate, clock: str, subject: str) -> str:
    """The agency a clock instance is for: the agency asked for a scoping form, an
    action's owner; "" for the partnership's own clocks."""
    if clock == ClockName.SCOPING_RETURNED:
        return subject
    if clock == ClockName.ACTION_DUE and isinstance(agg, Review | Case):
        action = agg.actions.get(subject)  # a review's action, or one of the case's own
        return action.owner_agency if action is not None else ""
    return ""


def concerned_agencies(event: Any, agg: AuditedAggregate) -> tuple[str, ...]:
    """The agencies an event is about (the ``agency`` audience): the agency asked, each
    agency informed, an action's owner, the agency responsible for a clock."""
    if isinstance(event, AuditedAggregate.ClockNotice):
        responsible = responsible_agency(agg, event.clock, event.subject)
        return (responsible,) if responsible else ()
    if isinstance(event, Case.AgenciesInformedOfOutcome):
        return tuple(event.agencies)
    agency: Any = getattr(event, "agency", None) or getattr(event, "owner_agency", None)
    if agency is None and hasattr(event, "action_id"):
        action = getattr(agg, "actions", {}).get(event.action_id)
        agency = action.owner_agency if action is not None else None
    return (str(agency),) if agency else ()


def case_agencies(agg: AuditedAggregate) -> frozenset[str]:
    """Every agency taking part in a case or a review, case-folded: asked for scoping,
    informed of the outcome, owning an action, the referrer's, involved on the referral."""
    found: set[str] = set(getattr(agg, "scoping", {}))
    found |= set(getattr(agg, "agencies_informed", {}))
    found |= {a.owner_agency for a in getattr(agg, "actions", {}).values()}
    details = getattr(agg, "details", None)
    if details is not None:
        found.add(details.referrer.agency)
        found |= {a.agency for a in details.agencies}
    return frozenset(a.strip().casefold() for a in found if a and a.strip())


def webhook_data(
    event: Any, agg: AuditedAggregate, *, position: int, link: str, for_agency: str = ""
) -> dict[str, Any]:
    """The ``data`` of an event's webhook: what names no one; ``for_agency``: what an
    agency's subscriber may read (its own agency's fields only)."""
    is_review = isinstance(agg, Review)
    data: dict[str, Any] = {
        "aggregate": "review" if is_review else "case",
        "stream_id": str(event.originator_id),
        "version": int(event.originator_version),
        "position": position,
        "reference": agg.reference,
        "partnership": agg.partnership,
        "on": event.effective_on.isoformat(),
        "recorded_at": event.audit.recorded_at.isoformat(),
        "link": link,
    }
    for name in SAFE_FIELDS:
        if hasattr(event, name) and name not in data:
            data[name] = _json(getattr(event, name))
    if isinstance(event, AuditedAggregate.ClockNotice):
        data["agency"] = responsible_agency(agg, event.clock, event.subject)
    if for_agency:
        own = for_agency.strip().casefold()
        for name in AGENCY_FIELDS:
            value = data.get(name)
            if isinstance(value, str) and value and value.strip().casefold() != own:
                del data[name]
        if isinstance(data.get("agencies"), list):
            data["agencies"] = [a for a in data["agencies"] if a.strip().casefold() == own]
        if isinstance(event, Case.ScopingRequested) and event.agency.casefold() == own:
            data["contact"] = event.contact  # its own request, as it was addressed
    return data


def pack_link(base: str, case_id: Any, agency: str) -> str:
    return f"{base}/api/v1/cases/{case_id}/documents/scoping-pack?agency={quote(agency)}"
