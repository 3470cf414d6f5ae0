"""The outbox: every reminder and breach the scheduler records reaches people and systems.

The scheduler appends ``ReminderIssued`` and ``DeadlineBreached`` to a case's or review's
stream. The outbox turns each into deliveries -- one row per channel and recipient -- and
sends them, so that none is lost, none is sent twice for one event, a receiver that is down
is retried with backoff, and the state of every delivery can be seen.

**Collecting** (``collect``) follows the notification log from the outbox's own position
(table ``outbox_tracking``; the read models' ``rm_tracking`` is not used: read models are
rebuilt, the outbox never is). For each notice it writes the delivery rows *and* its new
position in one transaction; the unique key (source = stream id and version, channel,
recipient) makes a second insert of the same delivery impossible, and the position row is
locked (``FOR UPDATE`` on PostgreSQL, the write lock on SQLite) so that two collectors
cannot both advance it. Recipients, decided when the notice is collected:

- e-mail to the partnership's ``contacts`` and to the ``agency_contacts`` of the agency
  responsible for the clock (``scoping_returned``: the agency the form was asked of;
  ``action_due``: the action's owner agency) -- ``config/partnerships.toml``;
- a webhook to every active subscription of the partnership whose agency filter is empty
  or names that agency (``application/webhooks.py``).

A notice nobody is configured to hear of is recorded as one ``unaddressed`` row, so that
it shows in the backlog rather than vanishing.

**Sending** (``deliver_due``) takes the rows whose next attempt has come, oldest first. Each
row is claimed before it is sent (``sending`` with a lease, committed), so two senders
never send the same row; on success it is ``sent`` with the time; on failure it goes back to
``pending`` with ``attempts``, ``last_error`` (the transport's own words, which hold no
personal data), ``first_failed_at`` and its next attempt after ``min(base * 2**(attempts -
1), max)`` seconds (``TRACKER_OUTBOX_RETRY_BASE_SECONDS`` / ``_MAX_SECONDS``). A delivery
is never given up: it stays ``pending`` (``failing``) and is tried again until it goes. Only
a webhook whose subscription was revoked is ``cancelled``. When a receiver cannot be reached
at all (the SMTP server, a webhook URL: connection refused, not configured), the other rows
pending for it wait until just after the failed one's next attempt, with the reason, so a
down receiver costs one attempt per backoff step and holds up no other receiver. A claimed
row counts as an attempt (``attempts``), whatever became of it.

**The one window for a repeat**: a sender that dies after the receiver accepted a message
and before it marked the row sent leaves the row ``sending``; when its lease runs out the
row is due again and goes a second time. Every message carries a stable id so a receiver
can drop the repeat: e-mail ``Message-ID: <{message_id}@...>`` (and ``X-Tracker-Delivery``),
webhooks ``X-Tracker-Delivery: {message_id}`` and the body's ``id``. The id is a UUID
derived from the delivery's unique key, the same on every attempt.

**No personal data** goes out: a message says which case or review (its reference and a
link), the partnership, the clock in words, the agency or action it is for, its start and
due dates and, for a breach, the day it was breached -- never a child's or family member's
name, nor any free text of the case. Times come from ``tracker.clock()``.

**Tables**, beside the events (the same SQLite file or PostgreSQL schema, through the event
store's own connections): ``outbox_tracking`` (the log position collected),
``outbox_deliveries`` (one row per delivery, kept after sending) and, from
``application/webhooks.py``, ``webhook_subscriptions``.

**Where**: ``messages.py`` (states, the transports' port, a delivery), ``deliveries.py``
(the tables: claiming, marking, reading back), ``recipients.py`` (who hears of a notice and
what the e-mail says), ``outbox.py`` (``Outbox``: collecting, digests, sending).
"""

from application.outbox.messages import (
    MAX_ERROR_LENGTH,
    STATUS_FILTERS,
    Channel,
    Delivery,
    DeliveryError,
    DeliveryReport,
    Kind,
    OutgoingEmail,
    OutgoingWebhook,
    Status,
    Transports,
)
from application.outbox.outbox import Outbox
from application.outbox.recipients import TOPICS

__all__ = [
    "MAX_ERROR_LENGTH",
    "STATUS_FILTERS",
    "TOPICS",
    "Channel",
    "Delivery",
    "DeliveryError",
    "DeliveryReport",
    "Kind",
    "Outbox",
    "OutgoingEmail",
    "OutgoingWebhook",
    "Status",
    "Transports",
]
