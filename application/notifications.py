"""Notification rules: for each kind of fact, who is told by e-mail, and the name of every
event as a webhook type.

Every event of a case or a review has a **type**, ``case.<event>`` or ``review.<event>``
in snake case (``case.scoping_requested``, ``review.deadline_breached``): webhooks carry it,
subscriptions filter by it and the rules below are keyed by it.

A **rule** names the audiences told of a type by e-mail; ``DEFAULT_RULES`` are the messages
the seeds name, and a partnership replaces any of them in ``config/partnerships.toml``
(``[partnerships.X.notifications]``: ``case.dissent_shared = ["lead_representatives",
"contacts"]``; ``[]`` sends none). The audiences:

- ``agency`` -- the agency the fact concerns (the agency asked for a scoping form, each
  agency informed of the outcome, an action's owner, the agency responsible for a clock):
  its ``agency_contacts``, else the contact the request gave when it is an e-mail address;
- ``alerted`` -- those the strategic lead alerted (``PartnersAlerted``'s recipients);
- ``lead_representatives`` -- the three safeguarding partners' (``local_authority``,
  ``police``, ``icb``); ``lfp_chair``, ``scrutineer``, ``strategic_partners`` -- each as
  ``[partnerships.X.recipients]`` names them;
- ``referrer`` -- the referrer's contact on the referral, when it is an e-mail address;
- ``contacts`` -- the partnership's own ``contacts``.

What each message says is its template (``application/outbox/templates/<type>.md``, or a
partnership's own ``messages/<type>.md`` in its templates folder).
"""

from __future__ import annotations

import re
from enum import StrEnum

from eventsourcing.utils import get_topic

from domain.base import AuditedAggregate
from domain.case import Case
from domain.review import Review


class Audience(StrEnum):
    AGENCY = "agency"
    ALERTED = "alerted"
    LEAD_REPRESENTATIVES = "lead_representatives"
    LFP_CHAIR = "lfp_chair"
    SCRUTINEER = "scrutineer"
    STRATEGIC_PARTNERS = "strategic_partners"
    REFERRER = "referrer"
    CONTACTS = "contacts"


# Who ``[partnerships.X.recipients]`` may name (an audience reads one or more of them).
RECIPIENT_ROLES: tuple[str, ...] = ("local_authority", "police", "icb", "lfp_chair")
RECIPIENT_ROLES += ("scrutineer", "strategic_partners")
LEAD_REPRESENTATIVES = ("local_authority", "police", "icb")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _events(aggregate: type, prefix: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in vars(aggregate).values():
        if (
            isinstance(value, type)
            and issubclass(value, AuditedAggregate.Event)
            and value.__name__ not in ("Event", "Created", "ClockNotice")
        ):
            found[get_topic(value)] = f"{prefix}.{_snake(value.__name__)}"
    return found


# stored topic -> webhook type, for every event of a case or a review (API keys,
# idempotency records and reference counters are no one's news)
EVENT_TYPES: dict[str, str] = dict(
    sorted({**_events(Case, "case"), **_events(Review, "review")}.items(), key=lambda kv: kv[1])
)
TYPES = frozenset(EVENT_TYPES.values())
# what else a webhook subscriber hears of: the verifiable log's signed checkpoints
CHECKPOINT_TYPE = "log.checkpoint_signed"
WEBHOOK_TYPES = TYPES | {CHECKPOINT_TYPE}
NOTICE_TYPES = frozenset(
    f"{a}.{n}" for a in ("case", "review") for n in ("reminder_issued", "deadline_breached")
)

A = Audience
DEFAULT_RULES: dict[str, tuple[Audience, ...]] = {
    # seed 001: "alert the lead representatives of the three safeguarding partners and the
    # Learning from Practice Chair within one working day"
    "case.partners_alerted": (A.ALERTED,),
    # "make a recommendation to the lead representatives of the safeguarding partners"
    "case.criteria_recommendation_made": (A.LEAD_REPRESENTATIVES,),
    # a dispute between the partners, and "the scrutineer can be asked to mediate"
    "case.criteria_disputed": (A.LEAD_REPRESENTATIVES,),
    "case.mediation_requested": (A.SCRUTINEER,),
    "case.rapid_review_outcome_disputed": (A.LEAD_REPRESENTATIVES,),
    "case.outcome_mediation_requested": (A.SCRUTINEER,),
    # not met: "taken to the next scheduled meeting of the Learning from Practice Group"
    "case.referred_to_learning_from_practice": (A.LFP_CHAIR,),
    # appendix ii: the scoping letter to each agency
    "case.scoping_requested": (A.AGENCY,),
    # the timetable: "Agencies are informed of the outcome of the Rapid Review"
    "case.agencies_informed_of_outcome": (A.AGENCY,),
    # "shared with the lead representatives for the three safeguarding partners"
    "case.dissent_shared": (A.LEAD_REPRESENTATIVES,),
    # seed 004 §7: "reported to the Strategic Partners"
    "case.dispute_reported_to_strategic_partners": (A.STRATEGIC_PARTNERS,),
    # "Whatever decision is made, the referrer will be informed"
    "case.referrer_informed": (A.REFERRER,),
    # the scheduler's reminders and breaches: the partnership and the agency responsible
    **dict.fromkeys(sorted(NOTICE_TYPES), (A.CONTACTS, A.AGENCY)),
}


def type_matches(pattern: str, event_type: str) -> bool:
    """A subscription's filter: an exact type, ``case.*``/``review.*``/``log.*``, or ``*``."""
    if pattern in ("*", event_type):
        return True
    return pattern.endswith(".*") and event_type.startswith(pattern[:-1])


def check_type_pattern(pattern: str) -> bool:
    """Whether ``pattern`` names a type (or all of an aggregate's, or all)."""
    return pattern in WEBHOOK_TYPES or pattern in ("*", "case.*", "review.*", "log.*")
