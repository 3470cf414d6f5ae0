"""The outbox: every event of a case or a review reaches the people and systems that must
hear of it.

Each event -- an act recorded through the API, the scheduler's ``ReminderIssued`` and
``DeadlineBreached`` -- becomes deliveries: one row per channel and recipient, the e-mails
the partnership's notification rules name and a webhook per subscription that hears of it
(``recipients.py``). The outbox sends them, so that none is lost, none is sent twice for
one event, a receiver that is down is retried with backoff, and the state of every delivery
can be seen.

**Collecting** (``collect``) follows the notification log from the outbox's own position
(table ``outbox_tracking``; the read models' ``rm_tracking`` is not used: read models are
rebuilt, the outbox never is). For each notice it writes the delivery rows *and* its new
position in one transaction; the unique key (source = stream id and version, channel,
recipient) makes a second insert of the same delivery impossible, and the position row is
locked (``FOR UPDATE`` on PostgreSQL, the write lock on SQLite) so that two collectors
cannot both advance it. Recipients are decided when the event is collected
(``recipients.py``); an event a rule names audiences for that nobody is configured to hear
of is recorded as one ``unaddressed`` row, so that it shows in the backlog rather than
vanishing.

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
webhooks ``webhook-id: {message_id}`` (and ``X-Tracker-Delivery``), with the same body.
The id is a UUID derived from the delivery's unique key, the same on every attempt.

**No personal data** goes out: a message says which case or review (its reference and a
link), the partnership, dates, outcomes, the clock in words, the agency or action it is
for -- never a child's or family member's name, nor any free text of the case
(``facts.py``). Times come from ``tracker.clock()``.

**Tables**, beside the events (the same SQLite file or PostgreSQL schema, through the event
store's own connections): ``outbox_tracking`` (the log position collected),
``outbox_deliveries`` (one row per delivery, kept after sending) and, from
``application/webhooks.py``, ``webhook_subscriptions``.

**Where**: ``messages.py`` (states, kinds, the transports' port, a delivery),
``deliveries.py`` (the tables: claiming, marking, reading back, a subscription's catch-up),
``recipients.py`` (who hears of an event), ``facts.py`` (what a message may say of it),
``emails.py`` and ``templates/`` (what an e-mail says), ``outbox.py`` (``Outbox``:
collecting, digests, sending).
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
