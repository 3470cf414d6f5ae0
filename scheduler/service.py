"""The scheduler process: lead, then run the jobs on APScheduler until stopped.

``tracker schedule`` runs one of these on its own; on the embedded default the API process
runs one in a thread. Any number may start: one leads (``scheduler.leader``), the others
wait and take over when it dies. The leader runs APScheduler 3 with its job store in the
database (table ``scheduler_jobs`` beside the events), so the schedule -- when the watch,
the delivery and the digest run next -- survives restarts; a digest time missed while no
scheduler ran is caught up once (``coalesce``) within a day's grace.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from application.settings import Database, Settings
from domain.base import LONDON
from scheduler.jobs import SchedulerJobs
from scheduler.leader import Leadership

log = logging.getLogger("tracker.scheduler")

# The job functions APScheduler stores by name ("scheduler.service:run"); they find the
# live service of this process by the id stored with the job.
_SERVICES: dict[str, SchedulerService] = {}
JOBS = ("watch", "deliver", "digest", "checkpoint")
_DAILY = ("digest", "checkpoint")  # keep their next run time across restarts


def run(service_id: str, job: str) -> None:
    service = _SERVICES.get(service_id)
    if service is None or not service.leading:
        return
    jobs = service.jobs
    if job == "watch":
        jobs.run_job("watch", jobs.watch_clocks)
        jobs.run_job("deliver", jobs.deliver)  # what the watch recorded goes out now
    elif job == "deliver":
        jobs.run_job("deliver", jobs.deliver)
    elif job == "digest":
        jobs.run_job("digest", jobs.send_digests)
        jobs.run_job("deliver", jobs.deliver)
    elif job == "checkpoint":
        jobs.run_job("checkpoint", jobs.sign_checkpoint)
        jobs.run_job("deliver", jobs.deliver)


def instance_id() -> str:
    """A name for one scheduler: its host, its process and a random part (so that two in
    one process differ); each notice's request id starts with it."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def jobstore_url(settings: Settings) -> str:
    if settings.database is Database.POSTGRES:
        password = settings.postgres_password.get_secret_value()
        auth = quote(settings.postgres_user, safe="") + (
            ":" + quote(password, safe="") if password else ""
        )
        host = f"{settings.postgres_host}:{settings.postgres_port}"
        return f"postgresql+psycopg://{auth}@{host}/{quote(settings.postgres_dbname, safe='')}"
    return f"sqlite:///{settings.sqlite_path.resolve()}"


class SchedulerService:
    """One scheduler: a thread that tries to lead and, while it leads, runs the jobs.

    Its parts come from the composition root (``entrypoints/bootstrap.py``): the ``jobs``
    (named by their ``instance``, see ``instance_id``) and the ``leadership`` that decides
    which scheduler leads. Closing it closes the jobs, not their application: whoever made the
    tracker closes it."""

    def __init__(self, jobs: SchedulerJobs, leadership: Leadership) -> None:
        self.settings = jobs.app.settings
        self.id = jobs.instance
        self.jobs = jobs
        self.leadership = leadership
        self.leading = False
        self.became_leader = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ life

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="scheduler", daemon=True)
        self._thread.start()

    def request_stop(self) -> None:
        """Ask ``run_forever`` to return (safe from a signal handler)."""
        self._stop.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        self.close()

    def close(self) -> None:
        self.leadership.release()
        self.jobs.close()

    def run_forever(self) -> None:
        """Lead when possible, stand by otherwise, until ``stop``."""
        log.info("scheduler %s started; trying to lead", self.id)
        standing_by = False
        while not self._stop.is_set():
            try:
                if self.leadership.try_acquire():
                    standing_by = False
                    self._lead()
                else:
                    if not standing_by:
                        log.info(
                            "scheduler %s standing by: another scheduler is the leader", self.id
                        )
                        standing_by = True
                    self._stop.wait(self.settings.leader_retry_seconds)
            except Exception:
                log.exception("scheduler %s failed; trying again", self.id)
                self.leading = False
                self._stop.wait(self.settings.leader_retry_seconds)

    def _lead(self) -> None:
        log.info("scheduler %s is leading", self.id)
        _SERVICES[self.id] = self
        self.leading = True
        self.became_leader.set()
        apscheduler = self._apscheduler()
        apscheduler.start(paused=True)
        self._install_jobs(apscheduler)
        apscheduler.resume()
        try:
            while not self._stop.is_set() and self.leadership.still_leads():
                self._stop.wait(self.settings.leader_retry_seconds)
        finally:
            self.leading = False
            apscheduler.shutdown(wait=True)
            _SERVICES.pop(self.id, None)
            if not self._stop.is_set():
                log.warning("scheduler %s lost the lead; standing by", self.id)
                self.leadership.release()

    def _apscheduler(self) -> BackgroundScheduler:
        s = self.settings
        store = SQLAlchemyJobStore(
            url=jobstore_url(s),
            tablename="scheduler_jobs",
            tableschema=(s.postgres_schema or None) if s.database is Database.POSTGRES else None,
        )
        return BackgroundScheduler(
            jobstores={"default": store},
            executors={"default": ThreadPoolExecutor(1)},  # one job at a time, in order
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 86_400},
            timezone=LONDON,
        )

    def _install_jobs(self, scheduler: BackgroundScheduler) -> None:
        """Put the jobs in the store. The watch and the delivery run at once; the digest
        and the checkpoint keep the next run time they had in the store (so one missed
        while no scheduler ran goes out now, once) unless its time changed in the settings."""
        s = self.settings
        hour, minute = (int(x) for x in s.digest_time.split(":"))
        c_hour, c_minute = (int(x) for x in s.checkpoint_time.split(":"))
        triggers: dict[str, BaseTrigger] = {
            "watch": IntervalTrigger(seconds=s.watch_interval_seconds, timezone=LONDON),
            "deliver": IntervalTrigger(seconds=s.delivery_interval_seconds, timezone=LONDON),
            "digest": CronTrigger(day_of_week="mon-fri", hour=hour, minute=minute, timezone=LONDON),
            "checkpoint": CronTrigger(hour=c_hour, minute=c_minute, timezone=LONDON),  # daily
        }
        now = datetime.now(UTC)
        for name, trigger in triggers.items():
            kwargs = {"service_id": self.id, "job": name}
            existing = scheduler.get_job(name)
            if existing is not None and str(existing.trigger) == str(trigger):
                if name in _DAILY:
                    existing.modify(kwargs=kwargs)
                else:
                    existing.modify(kwargs=kwargs, next_run_time=now)
                continue
            scheduler.add_job(
                "scheduler.service:run",
                trigger,
                id=name,
                kwargs=kwargs,
                replace_existing=True,
                **({} if name in _DAILY else {"next_run_time": now}),
            )
