"""The scheduler's jobs on one tracker: watch the clocks, deliver the outbox, send digests.

Each job is idempotent and safe to repeat or to run in two processes at once: the clock
watch decides on each stream's events (the aggregate refuses a second notice), the outbox
holds one delivery per event and recipient, the digest one per partnership and day. Time
is the tracker's clock, so tests move through days by setting it and calling ``tick``.

Where to look: the deadlines read model lists the streams with an open clock whose
reminder or breach is not yet recorded; every stream changed in the log after the read
model's position is looked at too, so a read model that lags (or was never built) makes
the watch slower, never wrong.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from application.ledger.checkpoints import Checkpoints, StoredCheckpoint
from application.ledger.notes import Signer
from application.ledger.signing import known_verifiers, load_signer
from application.outbox import DeliveryReport, Outbox, Transports
from application.outbox.messages import Kind
from application.service import Safeguarding
from application.watch import ClockWatch, WatchReport
from domain.notices import NoticeKind
from projections import quarantine
from projections.deadlines import Deadlines
from projections.digest import digest, render
from projections.engine import Projector

log = logging.getLogger("tracker.scheduler")

_STREAM_TOPICS = ("domain.case:", "domain.review:")
FAILPOINTS_VARIABLE = "TRACKER_FAILPOINTS"


def failpoint(name: str) -> None:
    """Die here, at once and without cleaning up, when ``TRACKER_FAILPOINTS`` names this
    point: how the tests kill the scheduler at an exact step (e.g. between appending a
    reminder and sending its e-mail). Unset in every real deployment."""
    if name in os.environ.get(FAILPOINTS_VARIABLE, "").split(","):
        log.error("failpoint %s: exiting", name)
        os._exit(86)


@dataclass
class TickReport:
    watch: WatchReport
    delivery: DeliveryReport
    digests: int = 0


@dataclass
class RunCounts:
    """How many times each job ran, and failed, in this process (for metrics)."""

    runs: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)


class SchedulerJobs:
    """The jobs, on parts made by the composition root (``entrypoints/bootstrap.py``):
    ``deadlines`` is the read model the watch and the digest read, ``positions`` a
    projector over it (its position, and the read store, which ``close`` closes), ``watch``
    and ``outbox`` the application's clock watch and outbox, ``transports`` what the outbox
    sends through."""

    def __init__(
        self,
        app: Safeguarding,
        *,
        deadlines: Deadlines,
        positions: Projector,
        watch: ClockWatch,
        outbox: Outbox,
        transports: Transports,
        instance: str = "",
        signer: Callable[[], Signer] | None = None,
    ) -> None:
        self.app = app
        # the checkpoint signing key, read when a checkpoint is made (never stored here)
        self.signer = signer or (lambda: load_signer(app.settings, announce=log.warning))
        # names this scheduler in each notice's request id ("<instance>:<run>")
        self.instance = instance or f"{socket.gethostname()}-{os.getpid()}"
        self.deadlines = deadlines
        self.positions = positions
        self.store = positions.store
        self.watch = watch
        self.outbox = outbox
        self.transports = transports
        self.counts = RunCounts()

    def close(self) -> None:
        self.store.close()

    # ------------------------------------------------------------------ clock watch

    def candidates(self) -> list[str]:
        """The streams the watch must look at today."""
        today = self.app.today()
        # the furthest any partnership's reminders reach (closure days push them further)
        ahead = self.app.settings.remind_working_days_before + 1
        calendars = [
            self.app.calendar,
            *(self.app.calendar_of(p.code) for p in self.app.partnerships),
        ]
        remind_until = max(c.add_working_days(today, ahead) for c in calendars)
        position = self.positions.positions()[self.deadlines.name]
        found: dict[str, None] = {}
        if position >= 0:
            with self.store.transaction() as c:
                for stream_id in self.deadlines.watch_candidates(
                    c, today=today, remind_until=remind_until
                ):
                    found[stream_id] = None
        for stream_id in self._changed_since(max(position, 0)):
            found[stream_id] = None
        return list(found)

    def _changed_since(self, position: int) -> list[str]:
        """Cases and reviews with events after ``position`` in the log."""
        changed: dict[str, None] = {}
        start = position + 1
        while True:
            batch = self.app.recorder.select_notifications(start=start, limit=1000)
            if not batch:
                return list(changed)
            for n in batch:
                if n.topic.startswith(_STREAM_TOPICS):
                    changed[str(n.originator_id)] = None
            start = batch[-1].id + 1

    def watch_clocks(self, progress: Callable[[int], object] | None = None) -> WatchReport:
        run_id = f"{self.instance}:{uuid.uuid4()}"
        report = self.watch.run(self.candidates(), run_id=run_id, progress=progress)
        if report.recorded:
            log.info(
                "clock watch recorded %d reminders and %d breaches on %d streams",
                report.count(NoticeKind.REMINDER),
                report.count(NoticeKind.BREACH),
                len({r.stream_id for r in report.recorded}),
                extra={"run_id": report.run_id},
            )
            failpoint("after_watch_recorded")
        return report

    # ------------------------------------------------------------------ delivery

    def alert_quarantined(self) -> int:
        """Tell the partnership's contacts, once, of each event a read model set aside (its
        position and the model: no case data); an event whose partnership the read
        models do not know is told to every partnership's contacts. Returns the e-mails
        queued."""
        with self.store.transaction() as c:
            found = [q for q in quarantine.listed(c) if not q.model.startswith("next_")]
            if not found:
                return 0
            where = {q.stream: quarantine.partnership_of(c, q.stream) for q in found}
        by_position: dict[int, list[quarantine.Quarantined]] = {}
        for q in found:
            by_position.setdefault(q.position, []).append(q)
        queued = 0
        for position, items in by_position.items():
            known = where[items[0].stream]
            codes = [known] if known else [p.code for p in self.app.partnerships]
            models = ", ".join(sorted(q.model for q in items))
            body = (
                f"The read models could not take the stored event at log position {position} "
                f"and set it aside ({models}): what they show of its case may be incomplete. "
                f"Error: {items[0].error.split(':')[0]}.\n\nAn administrator can see it with "
                "`tracker verify` and `tracker rebuild --all` (which reports it again); the "
                "event itself is kept as it was stored."
            )
            for code in codes:
                queued += self.outbox.enqueue_to_contacts(
                    partnership=code,
                    source=f"quarantine:{position}",
                    kind=Kind.ALERT,
                    subject=f"Safeguarding tracker: an event was set aside (position {position})",
                    body=body,
                )
        if queued:
            log.error("alerted the contacts of %d quarantined events", len(by_position))
        return queued

    def deliver(self) -> DeliveryReport:
        """Tell of events set aside, turn new events into deliveries, then send what is
        due."""
        self.outbox.setup()
        self.alert_quarantined()
        while self.outbox.collect():
            pass
        failpoint("after_collected")
        return self.outbox.deliver_due(self.transports)

    # ------------------------------------------------------------------ digest

    def send_digests(self, day: date | None = None) -> int:
        """Queue today's digest for every partnership (once per partnership and day) on
        working days; returns the e-mails queued."""
        today = day or self.app.today()
        self.outbox.setup()
        queued = 0
        for partnership in self.app.partnerships:
            calendar = self.app.calendar_of(partnership.code)
            if not calendar.is_working_day(today):  # its weekends, bank holidays, closures
                continue
            with self.store.transaction() as c:
                d = digest(c, self.deadlines, partnership.code, today, calendar)
            subject, body = render(d, partnership.name)
            queued += self.outbox.enqueue_digest(
                partnership=partnership.code, day=today, subject=subject, body=body
            )
        return queued

    # ------------------------------------------------------------------ checkpoint

    def sign_checkpoint(self) -> StoredCheckpoint:
        """Sign a checkpoint of the log (the leaves new since the last one) and queue it
        for the scrutineers and the webhook subscribers."""
        made = Checkpoints(self.app).make(self.signer(), known_verifiers(self.app.settings))
        self.outbox.enqueue_checkpoint(
            checkpoint_id=made.id,
            size=made.size,
            root=made.root_b64,
            at=made.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            note=made.note,
        )
        log.info("signed checkpoint %d of %d leaves", made.id, made.size)
        return made

    # ------------------------------------------------------------------ together

    def tick(self, *, digest: bool = False) -> TickReport:
        """One pass of everything, in order: watch, (digest,) deliver."""
        watch = self.watch_clocks()
        digests = self.send_digests() if digest else 0
        return TickReport(watch=watch, delivery=self.deliver(), digests=digests)

    def run_job(self, name: str, job: Callable[[], Any]) -> Any:
        """Run one job, counting it; a failure is logged and counted, and the next run
        tries again (every job is idempotent)."""
        self.counts.runs[name] = self.counts.runs.get(name, 0) + 1
        try:
            return job()
        except Exception:
            self.counts.failures[name] = self.counts.failures.get(name, 0) + 1
            log.exception("scheduler job %s failed; it runs again at its next time", name)
            return None
