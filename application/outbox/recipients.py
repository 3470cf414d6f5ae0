"""Who hears of an event of the log, and what they are told.

Decided when the event is collected, from the partnership's configuration at that moment:

- **e-mail**: the partnership's notification rule for the event's type
  (``application/notifications.py``: the defaults, or ``[partnerships.X.notifications]``)
  names audiences; each becomes addresses (``[partnerships.X.recipients]``, the agency's
  ``agency_contacts`` or the contact its request gave, the referrer's contact, the
  partnership's ``contacts``), and each address one message rendered from the type's
  template for that audience (``emails.py``). An address in two audiences gets one.
- **webhooks**: every active subscription of the partnership that was made before the event
  was recorded, whose ``event_types`` take the event's type and -- for an agency's -- whose
  agency takes part in the case (for a reminder or breach: is responsible for the clock),
  with the data that subscriber may read (``facts.py``).

An event a rule names audiences for that no address and no webhook hears of becomes one
``unaddressed`` row, so that it shows in the backlog rather than vanishing. Messages name
no child or family member and carry no free text of the case: references, dates, agencies,
outcomes and links (``facts.py``).
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import MapperDeserialisationError

from application.config import Partnership, is_address
from application.notifications import EVENT_TYPES, LEAD_REPRESENTATIVES, NOTICE_TYPES, Audience
from application.outbox.emails import Link, MessageTemplates, day
from application.outbox.facts import (
    case_agencies,
    concerned_agencies,
    pack_link,
    responsible_agency,
    webhook_data,
    words,
)
from application.outbox.messages import Channel, Kind, Row, Status
from application.webhooks import Subscription, WebhookSubscriptions
from domain.base import LONDON, AuditedAggregate
from domain.case import Case
from domain.clocks import ClockName, case_clocks, clock_words
from domain.review import Review

if TYPE_CHECKING:
    from eventsourcing.persistence import Notification

    from application.service import Safeguarding

log = logging.getLogger("tracker.outbox")

# what reading a damaged stored event raises: its bytes do not decrypt, decompress or decode
UNREADABLE = (MapperDeserialisationError, ValueError, TypeError, KeyError)

TOPICS = tuple(EVENT_TYPES)
_STATES_KEPT = 2000  # streams whose latest state is kept between events of a batch


class Recipients:
    """The delivery rows of one event of the log."""

    def __init__(self, app: Safeguarding, webhooks: WebhookSubscriptions) -> None:
        self.app = app
        self.webhooks = webhooks
        self.templates = MessageTemplates()
        self._states: OrderedDict[Any, Any] = OrderedDict()
        self._subscriptions: dict[str, list[Subscription]] | None = None

    def begin_batch(self) -> None:
        """Read the active subscriptions afresh for the next batch of the log (each batch's
        rows are decided with the subscriptions as they are when it is read)."""
        self._subscriptions = {}

    def _active(self, partnership: str) -> list[Subscription]:
        if self._subscriptions is None:
            return self.webhooks.active(partnership)
        if partnership not in self._subscriptions:
            self._subscriptions[partnership] = self.webhooks.active(partnership)
        return self._subscriptions[partnership]

    def _state(self, event: Any) -> AuditedAggregate:
        """The event's aggregate as the event left it: the kept state moved on by the event
        when it is the next one, else read from the store at that version."""
        agg = self._states.pop(event.originator_id, None)
        if agg is not None and agg.version == event.originator_version - 1:
            agg = event.mutate(agg)
        else:
            agg = self.app.repository.get(event.originator_id, version=event.originator_version)
        self._states[event.originator_id] = agg
        while len(self._states) > _STATES_KEPT:
            self._states.popitem(last=False)
        return agg  # type: ignore[no-any-return]

    def rows_for(self, n: Notification) -> list[Row]:
        try:
            event: Any = self.app.mapper.to_domain_event(n)
            agg = self._state(event)
        except UNREADABLE as e:
            # an event that cannot be read (or whose case cannot be) is told of by nobody: the
            # read side sets it aside and the scheduler alerts the contacts (quarantine); the
            # messages of every other event go on
            self._states.clear()
            log.error(
                "outbox: event at position %d cannot be read (%s): no message for it",
                n.id,
                type(e).__name__,
            )
            return []
        event_type = EVENT_TYPES[n.topic]
        notice = event_type in NOTICE_TYPES
        partnership = self.app.partnerships.by_code.get(agg.partnership)
        base = self.app.settings.public_url.rstrip("/")
        is_review = isinstance(agg, Review)
        link = f"{base}/api/v1/{'reviews' if is_review else 'cases'}/{event.originator_id}"
        kind = Kind.EVENT
        if notice:
            breach = isinstance(event, AuditedAggregate.DeadlineBreached)
            kind = Kind.BREACH if breach else Kind.REMINDER
        common: dict[str, Any] = {
            "source": f"{event.originator_id}:{event.originator_version}",
            "partnership": agg.partnership,
            "kind": kind,
            "reference": agg.reference,
            "stream_id": str(event.originator_id),
            "version": int(event.originator_version),
            "position": int(n.id),
        }
        rule = partnership.rule(event_type) if partnership is not None else ()
        rows = self._emails(event, agg, event_type, partnership, rule, link, common)
        rows += self._webhooks(event, agg, event_type, n, link, common)
        if rule and not rows:
            log.warning("no contact or webhook hears of %s of %s", event_type, agg.reference)
            wanted = ", ".join(rule)
            rows.append(
                Row(
                    channel=Channel.NONE,
                    address="",
                    recipient="",
                    subscription_id=None,
                    payload=json.dumps({"type": event_type}, sort_keys=True),
                    status=Status.UNADDRESSED,
                    last_error=f"no contact or webhook subscription is configured for "
                    f"{agg.partnership}: no address for {wanted} ({event_type})",
                    **common,
                )
            )
        return rows

    # ------------------------------------------------------------------ e-mail

    def _emails(
        self,
        event: Any,
        agg: AuditedAggregate,
        event_type: str,
        p: Partnership | None,
        rule: tuple[Audience, ...],
        link: str,
        common: dict[str, Any],
    ) -> list[Row]:
        if p is None:
            return []
        seen: set[str] = set()
        rows: list[Row] = []
        for audience in rule:
            for agency, addresses in self._addresses(audience, event, agg, p):
                fresh = [a for a in addresses if a.casefold() not in seen]
                if not fresh:
                    continue
                fields = self._fields(event, agg, event_type, p, audience, agency, link)
                email = self.templates.render(p.templates, event_type, fields)
                payload = json.dumps(
                    {"subject": email.subject, "text": email.text, "html": email.html},
                    sort_keys=True,
                )
                for address in fresh:
                    seen.add(address.casefold())
                    rows.append(
                        Row(
                            channel=Channel.EMAIL,
                            address=address.casefold(),
                            recipient=address,
                            subscription_id=None,
                            payload=payload,
                            **common,
                        )
                    )
        return rows

    def _addresses(
        self, audience: Audience, event: Any, agg: AuditedAggregate, p: Partnership
    ) -> list[tuple[str, tuple[str, ...]]]:
        """(the agency this copy is for, or "", the addresses) of one audience."""
        if audience is Audience.AGENCY:
            found = []
            for agency in concerned_agencies(event, agg):
                configured = p.contacts_of_agency(agency)
                # else the contact the case's scoping request to the agency gave
                request = getattr(agg, "scoping", {}).get(agency)
                given = request.contact.strip() if request is not None else ""
                if not configured and is_address(given):
                    configured = (given,)
                found.append((agency, configured))
            return found
        if audience is Audience.CONTACTS:
            return [("", p.contacts)]
        if audience is Audience.REFERRER:
            details = getattr(agg, "details", None)
            contact = details.referrer.contact.strip() if details is not None else ""
            return [("", (contact,) if is_address(contact) else ())]
        if audience is Audience.ALERTED:
            roles = tuple(getattr(event, "recipients", ()))
        elif audience is Audience.LEAD_REPRESENTATIVES:
            roles = LEAD_REPRESENTATIVES
        else:
            roles = (audience.value,)
        return [("", tuple(a for role in roles for a in p.recipients.get(role, ())))]

    def _fields(
        self,
        event: Any,
        agg: AuditedAggregate,
        event_type: str,
        p: Partnership,
        audience: Audience,
        agency: str,
        link: str,
    ) -> dict[str, Any]:
        """What the type's template is given: nothing that names a person."""
        base = self.app.settings.public_url.rstrip("/")
        head = p.letterhead
        fields: dict[str, Any] = {
            "type": event_type,
            "what": words(event_type.partition(".")[2]).capitalize(),
            "audience": audience.value,
            # the agency this copy is for; for others, the one agency the event is about
            "agency": agency or str(getattr(event, "agency", "") or ""),
            "reference": agg.reference,
            "aggregate": "review" if isinstance(agg, Review) else "case",
            "partnership": agg.partnership,
            "partnership_name": p.name,
            "on": event.effective_on,
            "link": Link(link),
            "reply_to": head.secure_email or head.email or (p.contacts[0] if p.contacts else ""),
        }
        if isinstance(event, AuditedAggregate.ClockNotice):
            fields.update(self._notice_fields(event, agg))
        elif isinstance(event, Case.ScopingRequested):
            assert isinstance(agg, Case)
            clocks = case_clocks(agg, event.on, p.timescales, self.app.calendar_of(p.code))
            clock = next(
                (
                    c
                    for c in clocks
                    if c.name is ClockName.SCOPING_RETURNED and c.subject == event.agency
                ),
                None,
            )
            period = " to ".join(day(d) for d in (event.period_from, event.period_to) if d)
            fields.update(
                due_on=clock.due_on if clock is not None else event.due_on,
                period=period,
                pack_link=Link(pack_link(base, event.originator_id, event.agency)),
                return_link=Link(f"{base}/api/v1/cases/{event.originator_id}/scoping-returns"),
            )
        elif isinstance(event, Case.AgenciesInformedOfOutcome):
            assert isinstance(agg, Case)
            fields["outcome"] = words(agg.rapid_review_recommendation or "")
        elif isinstance(event, Case.ReferrerInformed):
            assert isinstance(agg, Case)
            decision = agg.learning_outcome or agg.decision or ""
            what = "the criteria for a review: " if agg.learning_outcome is None else ""
            fields.update(decision=what + words(decision), received_on=agg.received_on)
        elif isinstance(event, Case.DissentShared):
            fields["report_link"] = Link(f"{link}/documents/rapid-review-report")
        return fields

    def _notice_fields(self, event: Any, agg: AuditedAggregate) -> dict[str, Any]:
        breach = isinstance(event, AuditedAggregate.DeadlineBreached)
        recorded = event.audit.recorded_at.astimezone(LONDON).date()
        late = 0
        if breach:
            late = self.app.calendar_of(agg.partnership).working_days_between(
                event.due_on, recorded
            )
        is_action = event.clock == ClockName.ACTION_DUE and bool(event.subject)
        return {
            "breach": breach,
            "clock": clock_words(event.clock),
            "action": event.subject if is_action else "",
            "agency": responsible_agency(agg, event.clock, event.subject),
            "started_on": event.started_on,
            "due_on": event.due_on,
            "late": late,
            "recorded_on": recorded,
        }

    # ------------------------------------------------------------------ webhooks

    def _webhooks(
        self,
        event: Any,
        agg: AuditedAggregate,
        event_type: str,
        n: Notification,
        link: str,
        common: dict[str, Any],
    ) -> list[Row]:
        rows = []
        for s in self._active(agg.partnership):
            if not self._hears(s, event, agg, event_type, int(n.id)):
                continue
            data = webhook_data(event, agg, position=int(n.id), link=link, for_agency=s.agency)
            payload = {"type": event_type, "timestamp": data["recorded_at"], "data": data}
            rows.append(
                Row(
                    channel=Channel.WEBHOOK,
                    address=f"subscription:{s.id}",
                    recipient=s.url,
                    subscription_id=s.id,
                    payload=json.dumps(payload, sort_keys=True),
                    **common,
                )
            )
        return rows

    @staticmethod
    def _hears(
        s: Subscription, event: Any, agg: AuditedAggregate, event_type: str, position: int
    ) -> bool:
        if position <= s.from_position or not s.takes(event_type):
            return False
        if not s.agency:
            return True
        if isinstance(event, AuditedAggregate.ClockNotice):
            return s.hears_of(responsible_agency(agg, event.clock, event.subject))
        return s.agency.strip().casefold() in case_agencies(agg)
