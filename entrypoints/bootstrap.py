"""The composition root: the one place that builds the tracker's parts and wires them.

Every process starts here -- the API (``web_app``, through ``entrypoints.asgi`` in each
server process), ``tracker project`` and ``tracker rebuild`` (``projector``), ``tracker
schedule`` (``scheduler``, ``scheduler_jobs``), ``tracker document`` and ``tracker export``
(``documents``) and every other ``tracker`` command (``safeguarding``) -- and so do the
tests, which pass their own parts (a fake clock, their partnerships, transports that
record instead of sending) where the defaults would not do.
Each function takes the parts it builds on and makes what is not given from the settings
(cosmicpython's ``bootstrap.py``: injectable parts with defaults).

The layers below never reach up here: ``application/`` knows nothing of the read models,
the API or the scheduler; ``api/`` and ``scheduler/`` receive what they run on
(``tests/unit/test_layers.py`` holds them to it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from application.access import AccessLog
from application.config import Partnerships
from application.outbox import Outbox, Transports
from application.service import Safeguarding
from application.settings import Settings
from application.watch import ClockWatch
from documents.service import Documents
from domain.calendar import WorkingDayCalendar
from entrypoints.in_process import InProcessProjector
from projections import read_models
from projections.deadlines import Deadlines
from projections.engine import Projector
from projections.store import ReadStore
from scheduler.delivery import default_transports
from scheduler.jobs import SchedulerJobs
from scheduler.leader import Leadership, leadership_for

if TYPE_CHECKING:
    from fastapi import FastAPI

    from scheduler.service import SchedulerService


def safeguarding(
    settings: Settings | None = None,
    *,
    partnerships: Partnerships | None = None,
    clock: Callable[[], datetime] | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Safeguarding:
    """The write side on ``settings`` (default: the environment's), with the partnerships
    of its partnerships file, the real clock and the England & Wales calendar unless given."""
    if clock is None:
        return Safeguarding(settings or Settings(), partnerships=partnerships, calendar=calendar)
    return Safeguarding(
        settings or Settings(), partnerships=partnerships, clock=clock, calendar=calendar
    )


def read_store(settings: Settings) -> ReadStore:
    """Connections to the read models' database (the event store's own file or schema)."""
    return ReadStore(settings)


def projector(
    app: Safeguarding, store: ReadStore | None = None, *, prefix: str = "rm_"
) -> Projector:
    """Every read model (tables ``<prefix><model>``) on ``store``, able to rebuild: its
    model factory is ``partial(read_models, app)``, which a parallel rebuild's worker
    processes remake the models with."""
    factory = partial(read_models, app)
    return Projector(app, store or read_store(app.settings), factory(prefix), factory=factory)


def documents(app: Safeguarding, access_log: AccessLog | None = None) -> Documents:
    """The documents and exports on ``app``: each report or export reads the read models
    on a connection of its own (``projector``), closed when it is done."""
    return Documents(app, access_log or AccessLog(app.datastore), partial(projector, app))


def scheduler_jobs(
    app: Safeguarding,
    *,
    store: ReadStore | None = None,
    transports: Transports | None = None,
    instance: str = "",
) -> SchedulerJobs:
    """The scheduler's jobs: the deadlines read model (read, never written, by the watch
    and the digest) on ``store``, the clock watch, the outbox, and ``transports`` (default:
    SMTP and webhooks as the settings say). The jobs close the store when closed."""
    deadlines = Deadlines(app)
    return SchedulerJobs(
        app,
        deadlines=deadlines,
        positions=Projector(app, store or read_store(app.settings), [deadlines]),
        watch=ClockWatch(app),
        outbox=Outbox(app),
        transports=transports or default_transports(app.settings),
        instance=instance,
    )


def scheduler(
    app: Safeguarding,
    *,
    transports: Transports | None = None,
    leadership: Leadership | None = None,
) -> SchedulerService:
    """A scheduler that leads when it can (default: the PostgreSQL advisory lock, or a file
    lock beside the SQLite file) and runs the jobs while it leads. Closing it leaves
    ``tracker`` open."""
    from scheduler.service import SchedulerService, instance_id  # APScheduler: see below

    jobs = scheduler_jobs(app, transports=transports, instance=instance_id())
    return SchedulerService(jobs, leadership or leadership_for(app.settings))


def web_app(
    settings: Settings | None = None,
    *,
    app: Safeguarding | None = None,
    transports: Transports | None = None,
) -> FastAPI:
    """The API on ``settings`` (default: ``app``'s, else the environment's) and ``app``, the
    write side (default: a new one, closed when the web app shuts down). On the embedded
    default it also runs the projector (``runs_projector_in_process``) and the scheduler
    (``runs_scheduler_in_api``, sending through ``transports``) as threads of its process."""
    # Imported here, as APScheduler is in ``scheduler``: the web stack (FastAPI, strawberry)
    # costs more than a second to load, which only the processes that serve should pay
    # (``tracker keys list`` or ``tracker verify`` start without it).
    from api.app import create_app
    from api.readers import Readers
    from web.app import browser

    settings = settings or (app.settings if app is not None else Settings())
    if settings.tracing:
        from entrypoints.tracing import configure_tracing

        configure_tracing("tracker-api")
    made = app is None
    app = app if app is not None else safeguarding(settings)
    follower = InProcessProjector(projector(app)) if settings.runs_projector_in_process else None
    service = scheduler(app, transports=transports) if settings.runs_scheduler_in_api else None
    access_log = AccessLog(app.datastore)
    return create_app(
        settings,
        app,
        access_log=access_log,
        outbox=Outbox(app),
        readers=Readers(partial(projector, app)),
        documents=documents(app, access_log),
        projector=follower,
        scheduler=service,
        close=app.close if made else None,
        browser=browser(
            app,
            access_log,
            idle=timedelta(minutes=settings.web_session_idle_minutes),
            lifetime=timedelta(hours=settings.web_session_hours),
            public_url=settings.public_url,
        ),
    )
