"""Tracker read model: one row per case, the partnership's case tracker (DESIGN §7, seed 004 §6).

What changes only with events is stored; what changes with the date (how many clocks are
overdue) is decided when read, from the due dates of the case's open clocks. Its queries
(``cases``: filtered, ordered, a keyset page at a time) are at the end of this module.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date
from enum import StrEnum
from typing import Any

from application.service import Safeguarding
from domain.case import Case
from domain.clocks import ClockStatus
from domain.review import Review
from projections.fold import Fold, FoldedModel
from projections.paging import Page, Where, keyset_page
from projections.store import (
    Cursor,
    add_counts,
    delete_where_in,
    from_iso,
    insert_rows,
    is_empty,
    iso,
    rows_where_in,
)

COLUMNS = (
    "case_id, reference, partnership, area, kind, stage, status, incident_kind, incident_on, "
    "looked_after, age_band, decision, received_on, decided_on, notified_on, submitted_on, "
    "recommendation, panel_concurs, review_type, next_clock, next_due_on, open_dues, "
    "last_activity, version"
)
# what the tracker table stores: the review type is looked up when read
STORED = COLUMNS.replace("review_type, ", "")
REVIEW_COLUMNS = "case_id, review_id, review_type, commissioned_on, commissioned_at"
# what the kept counts are counted from (``CaseTracker._add``), and where it is in a row
TALLIED = (
    "partnership, received_on, stage, kind, recommendation, decision, decided_on, "
    "notified_on, submitted_on"
)
_TALLIED_AT = [STORED.split(", ").index(column) for column in TALLIED.split(", ")]


def age_band(born: date | None, on: date) -> str:
    """The child's age band on ``on`` (what analysts see instead of a date of birth)."""
    if born is None:
        return "unknown"
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for limit, band in ((1, "under 1"), (5, "1-4"), (10, "5-9"), (16, "10-15"), (18, "16-17")):
        if years < limit:
            return band
    return "18+"


@dataclass(frozen=True)
class TrackerRow:
    case_id: str
    reference: str
    partnership: str
    area: str
    kind: str
    stage: str
    status: str
    incident_kind: str | None
    incident_on: date | None
    looked_after: bool
    age_band: str
    decision: str | None
    received_on: date
    decided_on: date | None
    notified_on: date | None
    submitted_on: date | None
    recommendation: str | None
    panel_concurs: bool | None
    review_type: str | None
    next_clock: str | None
    next_due_on: date | None
    overdue: int
    last_activity: str
    version: int


class CaseTracker(FoldedModel):
    """One row per case, and one row per case a review covers: a case's review type is that
    of the most recently commissioned review covering it, decided when read. So a review's
    events only ever write its own rows (no update across streams)."""

    version = 4  # 3: an index for every ordering the queries offer; 4: the kept counts

    def __init__(self, app: Safeguarding, prefix: str = "rm_", fold: Fold | None = None) -> None:
        self.base = "tracker"
        self.table = f"{prefix}tracker"
        self.reviews_table = f"{prefix}tracker_reviews"
        # kept as the cases are written, so that a read costs the same however many cases
        # there are: each partnership's number of cases (a tracker page's total), and the
        # statistics' counts by month received (``projections.statistics``)
        self.counts_table = f"{prefix}tracker_counts"
        self.tallies_table = f"{prefix}tracker_tallies"
        self.days_table = f"{prefix}tracker_days"
        self.tables: tuple[str, ...] = (
            self.table,
            self.reviews_table,
            self.counts_table,
            self.tallies_table,
            self.days_table,
        )
        self.name = self.table.removeprefix("rm_")
        self.app = app
        self.fold = fold or Fold(app)

    def create(self, c: Cursor) -> None:
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "case_id TEXT PRIMARY KEY, reference TEXT NOT NULL, partnership TEXT NOT NULL, "
            "area TEXT NOT NULL, kind TEXT NOT NULL, stage TEXT NOT NULL, status TEXT NOT NULL, "
            "incident_kind TEXT, incident_on TEXT, looked_after INTEGER NOT NULL, "
            "age_band TEXT NOT NULL, decision TEXT, received_on TEXT NOT NULL, decided_on TEXT, "
            "notified_on TEXT, submitted_on TEXT, recommendation TEXT, panel_concurs INTEGER, "
            "next_clock TEXT, next_due_on TEXT, open_dues TEXT NOT NULL, "
            "last_activity TEXT NOT NULL, version INTEGER NOT NULL)"
        )
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.reviews_table} ("
            "case_id TEXT NOT NULL, review_id TEXT NOT NULL, review_type TEXT NOT NULL, "
            "commissioned_on TEXT NOT NULL, commissioned_at TEXT NOT NULL, "
            "PRIMARY KEY (case_id, review_id))"
        )
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.counts_table} ("
            "partnership TEXT PRIMARY KEY, cases INTEGER NOT NULL)"
        )
        # recommendation and decision '' when none (a key has no NULL)
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.tallies_table} ("
            "partnership TEXT NOT NULL, month TEXT NOT NULL, stage TEXT NOT NULL, "
            "kind TEXT NOT NULL, recommendation TEXT NOT NULL, decision TEXT NOT NULL, "
            "cases INTEGER NOT NULL, "
            "PRIMARY KEY (partnership, month, stage, kind, recommendation, decision))"
        )
        # measure: 'decision' (received to decided) or 'submission' (notified to submitted)
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.days_table} ("
            "partnership TEXT NOT NULL, month TEXT NOT NULL, measure TEXT NOT NULL, "
            "days INTEGER NOT NULL, cases INTEGER NOT NULL, "
            "PRIMARY KEY (partnership, month, measure, days))"
        )

    def index(self, c: Cursor) -> None:
        # one index per ordering ``cases`` offers, led by the partnership every read names:
        # a page reads its rows in order from the index (no sort of the partnership's rows)
        for order, sort in _CASE_SORT.items():
            c.execute(
                f"CREATE INDEX IF NOT EXISTS {self.table}_by_{order.value} ON {self.table} "
                f"(partnership, {sort}, case_id)"
            )
        c.execute(
            f"CREATE INDEX IF NOT EXISTS {self.reviews_table}_review ON {self.reviews_table} "
            "(review_id)"
        )
        # the kept counts, counted here when there are none (a rebuild's fresh tables at
        # its swap, or tables made before the counts were kept); ``write`` keeps them since
        if is_empty(c, self.counts_table) or is_empty(c, self.tallies_table):
            for table in (self.counts_table, self.tallies_table, self.days_table):
                c.execute(f"DELETE FROM {table}")  # noqa: S608 - our table
            c.execute(f"SELECT {TALLIED} FROM {self.table}")  # noqa: S608 - our table
            self._add(c, [tuple(r) for r in c.fetchall()], 1)

    def write(self, c: Cursor, states: Iterable[Any], *, replace: bool) -> None:
        cases: list[Case] = []
        reviews: list[Review] = []
        for s in states:
            if isinstance(s, Case):
                cases.append(s)
            elif isinstance(s, Review):
                reviews.append(s)
        if cases:
            ids = [str(s.id) for s in cases]
            rows = [self._row(s) for s in cases]
            if replace:  # following the log: the counts follow the rows (a rebuild's are
                # counted at its swap, by ``index``)
                old = rows_where_in(c, self.table, TALLIED, "case_id", ids)
                delete_where_in(c, self.table, "case_id", ids)
                self._add(c, old, -1, [tuple(r[i] for i in _TALLIED_AT) for r in rows])
            insert_rows(c, self.table, STORED, rows)
        if reviews:
            if replace:
                delete_where_in(c, self.reviews_table, "review_id", [str(r.id) for r in reviews])
            review_rows = []
            for r in reviews:
                review_id, at = str(r.id), r.created_on.astimezone(UTC).isoformat()
                on = r.commissioned_on.isoformat()
                review_rows += [(str(i), review_id, r.review_type, on, at) for i in r.case_ids]
            insert_rows(c, self.reviews_table, REVIEW_COLUMNS, review_rows)

    def _add(
        self,
        c: Cursor,
        rows: Sequence[Sequence[Any]],
        sign: int,
        then: Sequence[Sequence[Any]] = (),
    ) -> None:
        """Count ``rows`` (``TALLIED`` values) ``sign`` times, and ``then`` once more."""
        counts: Counter[tuple[Any, ...]] = Counter()
        tallies: Counter[tuple[Any, ...]] = Counter()
        days: Counter[tuple[Any, ...]] = Counter()
        for rows_, n in ((rows, sign), (then, 1)):
            for p, received, stage, kind, rec, dec, decided, notified, submitted in rows_:
                month = received[:7]
                counts[(p,)] += n
                tallies[(p, month, stage, kind, rec or "", dec or "")] += n
                between = self.app.calendar_of(p).working_days_between
                if decided:
                    d = between(date.fromisoformat(received), date.fromisoformat(decided))
                    days[(p, month, "decision", d)] += n
                if notified and submitted:
                    d = between(date.fromisoformat(notified), date.fromisoformat(submitted))
                    days[(p, month, "submission", d)] += n
        add_counts(c, self.counts_table, "partnership", "cases", counts)
        add_counts(
            c,
            self.tallies_table,
            "partnership, month, stage, kind, recommendation, decision",
            "cases",
            tallies,
        )
        add_counts(c, self.days_table, "partnership, month, measure, days", "cases", days)

    def total(self, c: Cursor, partnerships: Sequence[str]) -> int:
        """How many cases ``partnerships`` have (kept as the cases are written: one indexed
        read whatever the number of cases)."""
        if not partnerships:
            return 0
        c.execute(
            f"SELECT COALESCE(SUM(cases), 0) FROM {self.counts_table} "  # noqa: S608
            f"WHERE partnership IN ({', '.join('?' * len(partnerships))})",
            list(partnerships),
        )
        return int(c.fetchone()[0])

    def _row(self, case: Case) -> tuple[Any, ...]:
        open_clocks = sorted(
            (
                c
                for c in self.fold.clocks(case)
                if c.status is ClockStatus.PENDING and not c.watch_only
            ),
            key=lambda c: (c.due_on, c.key),
        )
        nxt = open_clocks[0] if open_clocks else None
        child, incident = case.child, case.incident
        return (
            str(case.id),
            case.reference,
            case.partnership,
            case.area,
            case.kind.value,
            case.stage,
            "closed" if case.is_closed else "open",
            incident.kind if incident else None,
            iso(incident.occurred_on) if incident else None,
            1 if child and child.looked_after else 0,
            age_band(child.date_of_birth if child else None, case.received_on),
            case.decision,
            case.received_on.isoformat(),
            iso(case.decided_on),
            iso(case.notified_on),
            iso(case.submitted_on),
            case.rapid_review_recommendation,
            None if case.panel_concurs is None else int(case.panel_concurs),
            nxt.key if nxt else None,
            iso(nxt.due_on) if nxt else None,
            ",".join(c.due_on.isoformat() for c in open_clocks),
            case.modified_on.isoformat(),
            case.version,
        )

    @property
    def source(self) -> str:
        """The tracker's rows, each with its review type: that of the most recently
        commissioned review covering the case (decided here, when read)."""
        latest = (
            f"(SELECT r.review_type FROM {self.reviews_table} r "  # noqa: S608 - our table
            "WHERE r.case_id = t.case_id "
            "ORDER BY r.commissioned_on DESC, r.commissioned_at DESC, r.review_id DESC LIMIT 1)"
        )
        return f"(SELECT t.*, {latest} AS review_type FROM {self.table} t) AS tracker"  # noqa: S608

    def query(self, c: Cursor, today: date, *, partnership: str | None = None) -> list[TrackerRow]:
        """The tracker as of ``today``, oldest referral first."""
        clause, params = ("WHERE partnership = ?", (partnership,)) if partnership else ("", ())
        c.execute(
            f"SELECT {COLUMNS} FROM {self.source} {clause} "  # noqa: S608 - our tables
            "ORDER BY received_on, reference",
            params,
        )
        return [_tracker_row(r, today) for r in c.fetchall()]


def _tracker_row(r: Sequence[Any], today: date) -> TrackerRow:
    """A row of ``COLUMNS`` as the tracker shows it on ``today`` (a page's worth each read:
    unpacked by position)."""
    (
        case_id,
        reference,
        partnership,
        area,
        kind,
        stage,
        status,
        incident_kind,
        incident_on,
        looked_after,
        band,
        decision,
        received_on,
        decided_on,
        notified_on,
        submitted_on,
        recommendation,
        panel_concurs,
        review_type,
        next_clock,
        next_due_on,
        open_dues,
        last_activity,
        version,
    ) = r
    now = today.isoformat()  # ISO days compare as the days do
    return TrackerRow(
        case_id=case_id,
        reference=reference,
        partnership=partnership,
        area=area,
        kind=kind,
        stage=stage,
        status=status,
        incident_kind=incident_kind,
        incident_on=from_iso(incident_on),
        looked_after=bool(looked_after),
        age_band=band,
        decision=decision,
        received_on=date.fromisoformat(received_on),
        decided_on=from_iso(decided_on),
        notified_on=from_iso(notified_on),
        submitted_on=from_iso(submitted_on),
        recommendation=recommendation,
        panel_concurs=None if panel_concurs is None else bool(panel_concurs),
        review_type=review_type,
        next_clock=next_clock,
        next_due_on=from_iso(next_due_on),
        overdue=sum(1 for d in open_dues.split(",") if d and d < now),
        last_activity=last_activity,
        version=int(version),
    )


# --- queries: cases filtered, ordered, a page at a time ------------------------------------

FAR_FUTURE = "9999-12-31"


class CaseOrder(StrEnum):
    RECEIVED_ON = "received_on"
    NEXT_DUE_ON = "next_due_on"
    REFERENCE = "reference"
    LAST_ACTIVITY = "last_activity"


_CASE_SORT = {
    CaseOrder.RECEIVED_ON: "received_on",
    CaseOrder.NEXT_DUE_ON: f"COALESCE(next_due_on, '{FAR_FUTURE}')",
    CaseOrder.REFERENCE: "reference",
    CaseOrder.LAST_ACTIVITY: "last_activity",
}


@dataclass(frozen=True)
class CaseFilter:
    partnerships: Sequence[str]  # what the caller may read (always given)
    case_ids: Sequence[str] | None = None
    references: Sequence[str] | None = None
    areas: Sequence[str] | None = None
    kinds: Sequence[str] | None = None
    stages: Sequence[str] | None = None
    statuses: Sequence[str] | None = None
    incident_kinds: Sequence[str] | None = None
    decisions: Sequence[str] | None = None
    recommendations: Sequence[str] | None = None
    review_types: Sequence[str] | None = None
    next_clocks: Sequence[str] | None = None
    looked_after: bool | None = None
    overdue: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    incident_from: date | None = None
    incident_to: date | None = None
    next_due_from: date | None = None
    next_due_to: date | None = None


def _case_where(f: CaseFilter, today: date) -> Where:
    w = Where()
    w.any_of("partnership", f.partnerships)
    w.any_of("case_id", f.case_ids)
    w.any_of("reference", f.references)
    w.any_of("area", f.areas)
    w.any_of("kind", f.kinds)
    w.any_of("stage", f.stages)
    w.any_of("status", f.statuses)
    w.any_of("incident_kind", f.incident_kinds)
    w.any_of("decision", f.decisions)
    w.any_of("recommendation", f.recommendations)
    w.any_of("review_type", f.review_types)
    if f.next_clocks is not None:  # stored as the clock's key: "name" or "name:subject"
        either = " OR ".join("next_clock = ? OR next_clock LIKE ?" for _ in f.next_clocks)
        w.add(f"({either or '1 = 0'})", *(v for n in f.next_clocks for v in (n, f"{n}:%")))
    if f.looked_after is not None:
        w.add("looked_after = ?", int(f.looked_after))
    if f.overdue is True:  # the soonest open clock is past its due day
        w.add("next_due_on < ?", today.isoformat())
    elif f.overdue is False:
        w.add("(next_due_on IS NULL OR next_due_on >= ?)", today.isoformat())
    w.between("received_on", f.received_from, f.received_to)
    w.between("incident_on", f.incident_from, f.incident_to)
    w.between("next_due_on", f.next_due_from, f.next_due_to)
    return w


def cases(
    c: Cursor,
    model: CaseTracker,
    f: CaseFilter,
    today: date,
    *,
    order: CaseOrder = CaseOrder.RECEIVED_ON,
    descending: bool = False,
    first: int = 50,
    after: str | None = None,
    before: str | None = None,
    last: int | None = None,
    count: bool = True,
) -> Page[TrackerRow]:
    """A page of the cases ``f`` matches, as of ``today`` (``count``: with the total).

    A partnership's whole tracker (no filter but the partnerships) takes its total from
    the kept counts, not a ``COUNT(*)`` of its rows: its cost does not grow with them."""
    whole = f == CaseFilter(partnerships=f.partnerships)
    page = keyset_page(
        c,
        select=COLUMNS,
        source=model.source,
        where=_case_where(f, today),
        sort=_CASE_SORT[order],
        tiebreak="case_id",
        order=f"case:{order.value}:{int(descending)}",
        descending=descending,
        after=after,
        first=first,
        count=count and not whole,
        before=before,
        last=last,
    )
    if count and whole:
        page = dataclasses.replace(page, total=model.total(c, f.partnerships))
    return page.map(lambda r: _tracker_row(r, today))
