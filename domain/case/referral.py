"""A case begins: a serious incident referral (seed 001 appendix i, seed 004 §2) or a
referral for practice learning (seed 001 appendix vi; seeds 000, 002, 003 §4)."""

from __future__ import annotations

from datetime import date
from typing import Any, Self
from uuid import UUID

from domain.base import AuditedAggregate, check_not_future
from domain.case.state import CaseState
from domain.errors import InvalidValueError
from domain.values import (
    AbuseOrNeglect,
    Audit,
    CaseKind,
    Incident,
    IncidentKind,
    LearningCategory,
    ReferralDetails,
    parse,
    text,
)


class Referral(CaseState):
    """The two ways a case begins."""

    class SeriousIncidentReferred(AuditedAggregate.Created):
        reference: str
        partnership: str
        area: str
        received_on: date
        aware_on: date
        details: ReferralDetails
        incident: Incident
        siblings_action: str

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            case._init_common(self.reference, self.partnership, self.area, self.received_on)
            case.referred_by = self.audit.actor_id
            case.kind = CaseKind.SERIOUS_INCIDENT
            case.aware_on = self.aware_on
            case.details = self.details
            case.incident = self.incident
            case.siblings_action = self.siblings_action

    @classmethod
    def refer_serious_incident(
        cls,
        *,
        id: UUID,
        audit: Audit,
        reference: str,
        partnership: str,
        area: str,
        received_on: date,
        aware_on: date | None,
        details: ReferralDetails,
        incident: Incident,
        siblings_action: str = "",
    ) -> Self:
        """Record a serious child safeguarding incident referral (seed 001 appendix i)."""
        aware = aware_on or received_on
        check_not_future(received_on, audit, "received on")
        check_not_future(aware, audit, "date the local authority became aware")
        if details.child is None or not details.child.name.strip():
            raise InvalidValueError("a serious incident referral names the child")
        _check_referral_details(details, audit)
        kind = parse(IncidentKind, incident.kind, "incident kind")
        if kind is IncidentKind.NO_HARM:
            raise InvalidValueError(
                "a serious incident is a death or serious harm; refer no-harm incidents "
                "for practice learning"
            )
        _check_incident(incident, received_on, audit)
        return cls._create_audited(
            cls.SeriousIncidentReferred,
            id=id,
            audit=audit,
            reference=text(reference, "reference"),
            partnership=text(partnership, "partnership"),
            area=text(area, "local authority area"),
            received_on=received_on,
            aware_on=aware,
            details=details,
            incident=incident,
            siblings_action=text(siblings_action, "action for siblings", required=False),
        )

    class PracticeLearningReferred(AuditedAggregate.Created):
        reference: str
        partnership: str
        area: str
        received_on: date
        details: ReferralDetails
        category: str
        learning: str
        incident: Incident | None

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            case._init_common(self.reference, self.partnership, self.area, self.received_on)
            case.referred_by = self.audit.actor_id
            case.kind = CaseKind.PRACTICE_LEARNING
            case.aware_on = self.received_on
            case.details = self.details
            case.incident = self.incident
            case.learning_category = self.category
            case.learning = self.learning

    @classmethod
    def refer_practice_learning(
        cls,
        *,
        id: UUID,
        audit: Audit,
        reference: str,
        partnership: str,
        area: str,
        received_on: date,
        details: ReferralDetails,
        category: str,
        learning: str,
        incident: Incident | None = None,
    ) -> Self:
        """Record a referral for practice learning (seed 001 appendix vi)."""
        check_not_future(received_on, audit, "received on")
        _check_referral_details(details, audit)
        cat = parse(LearningCategory, category, "learning category")
        if incident is not None:
            parse(IncidentKind, incident.kind, "incident kind")
            _check_incident(incident, received_on, audit)
        return cls._create_audited(
            cls.PracticeLearningReferred,
            id=id,
            audit=audit,
            reference=text(reference, "reference"),
            partnership=text(partnership, "partnership"),
            area=text(area, "local authority area"),
            received_on=received_on,
            details=details,
            category=cat.value,
            learning=text(learning, "what could be learned"),
            incident=incident,
        )


def _check_referral_details(details: ReferralDetails, audit: Audit) -> None:
    text(details.referrer.name, "referrer name")
    text(details.referrer.agency, "referrer agency")
    child = details.child
    if child is not None:
        if child.date_of_birth is not None:
            check_not_future(child.date_of_birth, audit, "date of birth")
        if child.date_of_death is not None:
            check_not_future(child.date_of_death, audit, "date of death")
            if child.date_of_birth is not None and child.date_of_death < child.date_of_birth:
                raise InvalidValueError("date of death precedes date of birth")
    for member in details.family:
        text(member.name, "family member name")
        if member.date_of_birth is not None:
            check_not_future(member.date_of_birth, audit, "family member date of birth")
        if member.date_of_death is not None:
            check_not_future(member.date_of_death, audit, "family member date of death")
            if member.date_of_birth is not None and member.date_of_death < member.date_of_birth:
                raise InvalidValueError(f"{member.name}'s date of death precedes their birth")
    for entry in details.chronology:
        check_not_future(entry.occurred_on, audit, "chronology date")


def _check_incident(incident: Incident, received_on: date, audit: Audit) -> None:
    check_not_future(incident.occurred_on, audit, "incident date")
    if incident.occurred_on > received_on:
        raise InvalidValueError("the incident cannot have happened after the referral was received")
    parse(AbuseOrNeglect, incident.abuse_or_neglect, "abuse or neglect")
