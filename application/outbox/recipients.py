"""Who hears of a reminder or a breach, and what they are told.

Recipients are decided when the notice is collected: e-mail to the partnership's
``contacts`` and to the ``agency_contacts`` of the agency responsible for the clock
(``scoping_returned``: the agency the form was asked of; ``action_due``: the action's owner
agency), and a webhook to every active subscription of the partnership that hears of that
agency. A notice nobody hears of becomes one ``unaddressed`` row. No personal data: the
e-mail and the webhook body name the case or review by its reference and link only.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.utils import get_topic

from application.outbox.messages import Channel, Kind, Row, Status
from application.webhooks import WebhookSubscriptions
from domain.base import LONDON, AuditedAggregate
from domain.case import Case
from domain.clocks import ClockName, clock_words
from domain.review import Review

if TYPE_CHECKING:
    from eventsourcing.persistence import Notification

    from application.service import Safeguarding

log = logging.getLogger("tracker.outbox")

TOPICS = tuple(
    get_topic(cls)
    for cls in (
        Case.ReminderIssued,
        Case.DeadlineBreached,
        Review.ReminderIssued,
        Review.DeadlineBreached,
    )
)


class Recipients:
    """The delivery rows of one notice of the log."""

    def __init__(self, app: Safeguarding, webhooks: WebhookSubscriptions) -> None:
        self.app = app
        self.webhooks = webhooks

    def rows_for(self, n: Notification) -> list[Row]:
        event: Any = self.app.mapper.to_domain_event(n)
        agg: AuditedAggregate = self.app.repository.get(
            event.originator_id, version=event.originator_version
        )
        is_review = isinstance(agg, Review)
        breach = isinstance(event, AuditedAggregate.DeadlineBreached)
        agency = _responsible_agency(agg, event.clock, event.subject)
        partnership = self.app.partnerships.by_code.get(agg.partnership)
        base = self.app.settings.public_url.rstrip("/")
        link = f"{base}/api/v1/{'reviews' if is_review else 'cases'}/{event.originator_id}"
        kind = Kind.BREACH if breach else Kind.REMINDER
        facts = {
            "type": kind.value,
            "aggregate": "review" if is_review else "case",
            "stream_id": str(event.originator_id),
            "version": int(event.originator_version),
            "reference": agg.reference,
            "partnership": agg.partnership,
            "clock": event.clock,
            "subject": event.subject,
            "agency": agency,
            "started_on": event.started_on.isoformat(),
            "due_on": event.due_on.isoformat(),
            "on": event.on.isoformat(),
            "recorded_at": event.audit.recorded_at.isoformat(),
            "link": link,
        }
        subject, text = self._email(facts, partnership.name if partnership else agg.partnership)
        email = json.dumps({"subject": subject, "text": text}, sort_keys=True)
        common: dict[str, Any] = {
            "source": f"{event.originator_id}:{event.originator_version}",
            "partnership": agg.partnership,
            "kind": kind,
            "reference": agg.reference,
            "stream_id": str(event.originator_id),
            "version": int(event.originator_version),
            "position": int(n.id),
        }
        addresses: dict[str, str] = {}
        if partnership is not None:
            for address in (*partnership.contacts, *partnership.contacts_of_agency(agency)):
                addresses.setdefault(address.casefold(), address)
        rows = [
            Row(
                channel=Channel.EMAIL,
                address=key,
                recipient=address,
                subscription_id=None,
                payload=email,
                **common,
            )
            for key, address in addresses.items()
        ]
        hook = json.dumps(facts, sort_keys=True)
        rows += [
            Row(
                channel=Channel.WEBHOOK,
                address=f"subscription:{s.id}",
                recipient=s.url,
                subscription_id=s.id,
                payload=hook,
                **common,
            )
            for s in self.webhooks.active(agg.partnership)
            if s.hears_of(agency)
        ]
        if not rows:
            log.warning("no contact or webhook hears of %s of %s", kind.value, agg.reference)
            rows.append(
                Row(
                    channel=Channel.NONE,
                    address="",
                    recipient="",
                    subscription_id=None,
                    payload=hook,
                    status=Status.UNADDRESSED,
                    last_error=f"no contact or webhook subscription is configured for "
                    f"{agg.partnership}{' or ' + agency if agency else ''}",
                    **common,
                )
            )
        return rows

    def _email(self, facts: dict[str, Any], partnership_name: str) -> tuple[str, str]:
        breach = facts["type"] == Kind.BREACH.value
        words = clock_words(facts["clock"])
        due = date.fromisoformat(facts["due_on"])
        what = "Deadline breached" if breach else "Reminder"
        subject = f"{what}: {words}, {facts['reference']}, due {_day(due)}"
        lines = [
            (
                f"A statutory clock of {facts['reference']} passed its due day still open."
                if breach
                else f"A statutory clock of {facts['reference']} comes due soon."
            ),
            "",
            f"Reference:   {facts['reference']} ({facts['aggregate']})",
            f"Partnership: {partnership_name} ({facts['partnership']})",
            f"Clock:       {words}",
        ]
        if facts["clock"] == ClockName.ACTION_DUE and facts["subject"]:
            owner = f", owned by {facts['agency']}" if facts["agency"] else ""
            lines.append(f"Action:      {facts['subject']}{owner}")
        elif facts["agency"]:
            lines.append(f"Agency:      {facts['agency']}")
        lines += [
            f"Started:     {_day(date.fromisoformat(facts['started_on']))}",
            f"Due:         end of {_day(due)}",
        ]
        if breach:
            recorded = datetime.fromisoformat(facts["recorded_at"]).astimezone(LONDON).date()
            calendar = self.app.calendar_of(facts["partnership"])
            late = calendar.working_days_between(due, recorded)
            lines.append(f"Breached:    {_day(date.fromisoformat(facts['on']))}")
            if late > 0:
                lines.append(
                    f"Late:        {late} working day{'s' if late != 1 else ''} past due "
                    f"when recorded ({_day(recorded)})"
                )
        lines += [
            f"Open it:     {facts['link']}",
            "",
            "This message names no child or family member; open the link to see the case.",
        ]
        return subject, "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ digests


def _responsible_agency(agg: AuditedAggregate, clock: str, subject: str) -> str:
    """The agency a clock instance is for: the agency asked for a scoping form, an
    action's owner; "" for the partnership's own clocks."""
    if clock == ClockName.SCOPING_RETURNED:
        return subject
    if clock == ClockName.ACTION_DUE and isinstance(agg, Review | Case):
        action = agg.actions.get(subject)  # a review's action, or one of the case's own
        return action.owner_agency if action is not None else ""
    return ""


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"
