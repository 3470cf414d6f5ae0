"""`tracker schedule` processes on a real store with a real SMTP server on loopback.

- Two schedulers started at once: exactly one acts (every notice is recorded once, by the
  leader; each e-mail arrives once); when the leader is killed the other takes over.
- A scheduler killed between appending its breaches and sending their e-mails: on restart
  every e-mail goes out, once.

The processes run on the machine's real clock, so the cases are referred a month ago
(every early clock is breached by now) with a chronology dated before that.
"""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from application.acts import ReferSeriousIncident
from application.service import Safeguarding
from application.settings import Settings
from domain.base import AuditedAggregate
from entrypoints import bootstrap
from scheduler.jobs import FAILPOINTS_VARIABLE
from tests.support.people import CHILD_NAME, MASH, MOTHER_NAME, ctx, referral_details, serious_harm
from tests.support.processes import eventually, tracker_process
from tests.support.receivers import SmtpReceiver

# partners alerted, the strategic lead's recommendation, criteria decision, Panel notification
BREACHES_PER_CASE = 4
LEW_CONTACTS = 1  # config/partnerships.toml: one partnership contact, no agency contact


def refer_a_month_ago(tracker: Safeguarding) -> UUID:
    received = datetime.now(UTC).date() - timedelta(days=30)
    return tracker.execute(
        ctx(MASH),
        ReferSeriousIncident(
            partnership="LEW",
            area="Lewisham",
            received_on=received,
            details=dataclasses.replace(referral_details(), chronology=()),
            incident=serious_harm(received - timedelta(days=3)),
        ),
    ).id


def start(
    store: dict[str, Any], smtp: SmtpReceiver, log: Path, **extra: str
) -> subprocess.Popen[bytes]:
    return tracker_process(
        ["schedule"],
        store,
        log,
        TRACKER_ENV="test",
        TRACKER_SMTP_HOST="127.0.0.1",
        TRACKER_SMTP_PORT=str(smtp.port),
        TRACKER_WATCH_INTERVAL_SECONDS="1",
        TRACKER_DELIVERY_INTERVAL_SECONDS="0.5",
        TRACKER_LEADER_RETRY_SECONDS="0.3",
        **extra,
    )


def notices(tracker: Safeguarding, case_id: UUID) -> list[Any]:
    return [e for e in tracker.events.get(case_id) if isinstance(e, AuditedAggregate.ClockNotice)]


def all_breached(tracker: Safeguarding, case_ids: list[UUID]) -> bool:
    return all(len(notices(tracker, c)) >= BREACHES_PER_CASE for c in case_ids)


def stop(*procs: subprocess.Popen[bytes]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        p.wait(timeout=30)


def test_two_schedulers_one_acts_and_the_other_takes_over_when_it_dies(
    make_settings: Callable[..., Settings],
    store: dict[str, Any],
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    tracker = Safeguarding(make_settings())
    case_ids = [refer_a_month_ago(tracker) for _ in range(4)]
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [start(store, smtp, logs[0]), start(store, smtp, logs[1])]  # at once
    try:
        eventually(lambda: all_breached(tracker, case_ids), "the breaches")
        want = len(case_ids) * BREACHES_PER_CASE * LEW_CONTACTS
        eventually(lambda: len(smtp.received()) >= want, "the e-mails")
        time.sleep(2)  # a few more runs of both: nothing more may come
        texts = [p.read_text() for p in logs]
        leaders = [i for i, t in enumerate(texts) if " is leading" in t]
        assert len(leaders) == 1, texts
        leader = leaders[0]
        assert "standing by" in texts[1 - leader]
        instances: set[str] = set()
        for case_id in case_ids:
            recorded = notices(tracker, case_id)
            assert len(recorded) == BREACHES_PER_CASE
            assert len({(type(e).__name__, e.clock) for e in recorded}) == BREACHES_PER_CASE
            instances |= {e.audit.request_id.split(":")[0] for e in recorded}
        assert len(instances) == 1, instances  # one scheduler acted
        assert f"-{procs[leader].pid}-" in instances.pop()
        mails = smtp.received()
        assert len(mails) == want
        assert len({m.message["Message-ID"] for m in mails}) == want  # none twice

        procs[leader].send_signal(signal.SIGKILL)  # the leader dies
        procs[leader].wait(timeout=30)
        late = refer_a_month_ago(tracker)
        eventually(lambda: all_breached(tracker, [late]), "the standby to take over")
        eventually(lambda: len(smtp.received()) >= want + BREACHES_PER_CASE, "its e-mails")
        assert " is leading" in logs[1 - leader].read_text()
        assert len(notices(tracker, late)) == BREACHES_PER_CASE
        time.sleep(1.5)
        assert len(smtp.received()) == want + BREACHES_PER_CASE
    finally:
        stop(*procs)
        tracker.close()


def test_a_scheduler_killed_between_recording_and_sending_mails_once_after_restart(
    make_settings: Callable[..., Settings],
    store: dict[str, Any],
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    tracker = Safeguarding(make_settings())
    case_ids = [refer_a_month_ago(tracker) for _ in range(2)]
    crashing = start(
        store, smtp, tmp_path / "a.log", **{FAILPOINTS_VARIABLE: "after_watch_recorded"}
    )
    assert crashing.wait(timeout=60) == 86  # died at the failpoint
    assert all_breached(tracker, case_ids)  # the breaches were appended...
    assert smtp.received() == []  # ...and no e-mail went out

    restarted = start(store, smtp, tmp_path / "b.log")
    try:
        want = len(case_ids) * BREACHES_PER_CASE * LEW_CONTACTS
        eventually(lambda: len(smtp.received()) >= want, "the e-mails after the restart")
        time.sleep(2)
        mails = smtp.received()
        assert len(mails) == want
        ids = Counter(m.message["Message-ID"] for m in mails)
        assert set(ids.values()) == {1}
        for case_id in case_ids:
            assert len(notices(tracker, case_id)) == BREACHES_PER_CASE  # none recorded twice
        for m in mails:  # and no personal data travels by e-mail
            text = m.raw.decode(errors="replace")
            assert CHILD_NAME not in text
            assert MOTHER_NAME not in text
    finally:
        stop(restarted)
        tracker.close()


def test_the_api_process_runs_the_scheduler_on_the_embedded_default(
    make_settings: Callable[..., Settings], backend: str
) -> None:
    """SQLite: the scheduler is a thread of the API process, leads, and keeps its jobs in
    the database; PostgreSQL: `tracker schedule` runs it, not the API."""
    settings = make_settings(scheduler_in_api=None, watch_interval_seconds=3600)
    app = bootstrap.web_app(settings)
    with TestClient(app):
        service = app.state.scheduler
        if backend == "postgres":
            assert service is None
            return
        assert service.became_leader.wait(30)
        eventually(lambda: service.jobs.counts.runs.get("watch", 0) >= 1, "the first watch")
    tracker = Safeguarding(settings)
    try:
        with tracker.datastore.transaction(commit=False) as c:
            c.execute("SELECT id FROM scheduler_jobs ORDER BY id")
            assert [r[0] for r in c.fetchall()] == ["checkpoint", "deliver", "digest", "watch"]
    finally:
        tracker.close()
