"""The bare baseline of the read benchmarks (``benchmarks.reads``): a Starlette app with no
GraphQL, no authentication, no read models' code, that runs the same SQL on the same
tables and returns the same JSON (the standard library's ``json``), served by ``uvicorn``
exactly as the API is. Never part of the product.

    BARE_DSN=... BARE_KEY=... uvicorn benchmarks.bare_reads:app --workers 2

Each endpoint, like a GraphQL request, runs its statements in one transaction (a
connection of the worker's small pool: its context is a transaction); what the answer
says that the rows do not (a clock's status today, an overdue count, working days) is
worked out as the read models do, with the domain's own working-day calendar.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.calendar import WorkingDayCalendar

CALENDAR = WorkingDayCalendar()

TRACKER_COLUMNS = (
    "case_id, reference, partnership, area, kind, stage, status, incident_kind, incident_on, "
    "looked_after, age_band, decision, received_on, decided_on, notified_on, submitted_on, "
    "recommendation, panel_concurs, review_type, next_clock, next_due_on, open_dues, "
    "last_activity, version"
)
TRACKER_SOURCE = (
    "(SELECT t.*, (SELECT r.review_type FROM rm_tracker_reviews r WHERE r.case_id = t.case_id "
    "ORDER BY r.commissioned_on DESC, r.commissioned_at DESC, r.review_id DESC LIMIT 1) "
    "AS review_type FROM rm_tracker t) AS tracker"
)
DEADLINE_COLUMNS = (
    "stream_id, reference, partnership, clock, subject, started_on, due_on, stopped_on, "
    "settled_status, settled_days_late, watch_only, paused_since, reminded_on, breach_recorded_on"
)
TIEBREAK = "(stream_id || '|' || clock || '|' || subject)"
ENVELOPE = {"originator_id", "originator_version", "timestamp", "audit", "prev_hash", "hash"}


_pool: ConnectionPool | None = None
_pool_lock = threading.Lock()


@contextmanager
def _cursor() -> Iterator[psycopg.Cursor[Any]]:
    """A cursor in a transaction of its own, on a connection from the worker's pool (a few
    connections: the database server is shared with the API's)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            size = int(os.environ.get("BARE_POOL", "6"))
            _pool = ConnectionPool(os.environ["BARE_DSN"], min_size=1, max_size=size, open=True)
    with _pool.connection() as conn, conn.cursor() as c:
        yield c


def _json(data: Any) -> Response:
    return Response(json.dumps({"data": data}), media_type="application/json")


def _today() -> date:
    return (
        date.fromisoformat(os.environ["BARE_TODAY"])
        if "BARE_TODAY" in os.environ
        else (date.today())
    )


def _case(r: tuple[Any, ...], today: date) -> dict[str, Any]:
    v = dict(zip(TRACKER_COLUMNS.split(", "), r, strict=False))
    nxt = v["next_clock"]
    dues = [d for d in v["open_dues"].split(",") if d]
    return {
        "reference": v["reference"],
        "stage": v["stage"],
        "kind": v["kind"].upper(),
        "ageBand": v["age_band"],
        "nextClock": nxt.split(":", 1)[0].upper() if nxt else None,
        "nextClockSubject": nxt.partition(":")[2] if nxt else None,
        "nextDueOn": v["next_due_on"],
        "overdueCount": sum(1 for d in dues if d < today.isoformat()),
    }


def _status(r: tuple[Any, ...], today: date) -> tuple[str, int]:
    due, settled, late = r[6], r[8], r[9]
    if settled:
        return settled, int(late)
    due_on = date.fromisoformat(due)
    if r[11]:  # paused: its due day moves on with the pause
        due_on = date.fromordinal(
            due_on.toordinal() + max(0, (today - date.fromisoformat(r[11])).days)
        )
    if today > due_on:
        return "breached", CALENDAR.working_days_between(due_on, today)
    return "pending", 0


def _deadline(r: tuple[Any, ...], today: date) -> dict[str, Any]:
    status, _late = _status(r, today)
    return {
        "reference": r[1],
        "clock": r[3].upper(),
        "subject": r[4],
        "startedOn": r[5],
        "dueOn": r[6],
        "stoppedOn": r[7],
        "status": status.upper(),
    }


def tracker(request: Request) -> Response:
    """The tracker page: a partnership's first 100 cases, next due first, with the total."""
    p, today = request.query_params["partnership"], _today()
    with _cursor() as c:
        c.execute(
            "SELECT COALESCE(SUM(cases), 0) FROM rm_tracker_counts WHERE partnership IN (%s)", (p,)
        )
        total = int(c.fetchone()[0])  # type: ignore[index]
        c.execute(
            f"SELECT {TRACKER_COLUMNS}, COALESCE(next_due_on, '9999-12-31'), case_id "
            f"FROM {TRACKER_SOURCE} WHERE partnership IN (%s) "
            "ORDER BY COALESCE(next_due_on, '9999-12-31') ASC, case_id ASC LIMIT %s",
            (p, 101),
        )
        rows = c.fetchall()
    edges = [{"node": _case(r, today)} for r in rows[:100]]
    return _json(
        {
            "cases": {
                "totalCount": total,
                "pageInfo": {"hasNextPage": len(rows) > 100},
                "edges": edges,
            }
        }
    )


def case(request: Request) -> Response:
    """A case with its deadlines."""
    p, case_id, today = request.query_params["partnership"], request.path_params["id"], _today()
    with _cursor() as c:
        c.execute(
            f"SELECT {TRACKER_COLUMNS}, received_on, case_id FROM {TRACKER_SOURCE} "
            "WHERE partnership IN (%s) AND case_id IN (%s) "
            "ORDER BY received_on ASC, case_id ASC LIMIT %s",
            (p, case_id, 2),
        )
        row = c.fetchone()
        c.execute(
            f"SELECT {DEADLINE_COLUMNS} FROM rm_deadlines WHERE stream_id IN (%s) "
            "ORDER BY due_on, clock, subject",
            (case_id,),
        )
        clocks = c.fetchall()
    found = _case(row, today) if row else None
    if found is not None:
        found["deadlines"] = [_deadline(r, today) for r in clocks]
    return _json({"case": found})


def deadlines(request: Request) -> Response:
    """The partnership's clocks due between two days (this week), soonest first."""
    q = request.query_params
    p, start, end, today = q["partnership"], q["from"], q["to"], _today()
    where = "WHERE partnership IN (%s) AND due_on >= %s AND due_on <= %s"
    with _cursor() as c:
        c.execute(f"SELECT COUNT(*) FROM rm_deadlines {where}", (p, start, end))
        total = int(c.fetchone()[0])  # type: ignore[index]
        c.execute(
            f"SELECT {DEADLINE_COLUMNS}, due_on, {TIEBREAK} FROM rm_deadlines {where} "
            f"ORDER BY due_on ASC, {TIEBREAK} ASC LIMIT %s",
            (p, start, end, 101),
        )
        rows = c.fetchall()
    edges = [{"node": _deadline(r, today)} for r in rows[:100]]
    return _json({"deadlines": {"totalCount": total, "edges": edges}})


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) + 2) // 3}"


def _median(counts: Counter[int]) -> float | None:
    values = sorted(counts.elements())
    return float(statistics.median(values)) if values else None


def statistics_of_year(request: Request) -> Response:
    """A partnership's statistics for a year by quarter, from the same tallies by month the
    read models keep (three statements)."""
    q = request.query_params
    p, start, end, today = q["partnership"], q["from"][:7], q["to"][:7], _today().isoformat()
    where = "WHERE partnership IN (%s) AND month >= %s AND month <= %s"
    groups: dict[str, dict[str, Any]] = {}

    def group(k: str) -> dict[str, Any]:
        return groups.setdefault(
            k,
            {
                "cases": 0,
                "stage": Counter(),
                "rec": Counter(),
                "time": {},
                "dec": Counter(),
                "sub": Counter(),
            },
        )

    with _cursor() as c:
        c.execute(
            f"SELECT month, stage, recommendation, cases FROM rm_tracker_tallies {where}",
            (p, start, end),
        )
        for month, stage, rec, n in c.fetchall():
            g = group(_quarter(month))
            g["cases"] += n
            g["stage"][stage] += n
            if rec:
                g["rec"][rec] += n
        c.execute(
            "SELECT counted_as, month, clock, state, due_on, clocks "
            f"FROM rm_deadline_tallies {where}",
            (p, start, end),
        )
        for counted_as, month, clock, state, due_on, n in c.fetchall():
            k = _quarter(month)
            if counted_as == "review" and k not in groups:
                continue
            if state == "open":
                state = "breached" if due_on < today else "pending"
            group(k)["time"].setdefault(clock, Counter())[state] += n
        c.execute(
            f"SELECT month, measure, days, cases FROM rm_tracker_days {where}",
            (p, start, end),
        )
        for month, measure, days, n in c.fetchall():
            group(_quarter(month))["dec" if measure == "decision" else "sub"][days] += n

    def count(n: int) -> dict[str, Any]:
        return {"value": n, "suppressed": False}

    answer = [
        {
            "period": k,
            "cases": count(g["cases"]),
            "byStage": [
                {"key": s, "count": {"value": n}} for s, n in sorted(g["stage"].items()) if n
            ],
            "byRecommendation": [
                {"key": s, "count": {"value": n}} for s, n in sorted(g["rec"].items()) if n
            ],
            "timeliness": [
                {
                    "clock": clock.upper(),
                    "onTime": {"value": n.get("met", 0)},
                    "late": {"value": n.get("met_late", 0)},
                    "breached": {"value": n.get("breached", 0)},
                }
                for clock, n in sorted(g["time"].items())
            ],
            "medianWorkingDaysToDecision": {"value": _median(g["dec"])},
            "medianWorkingDaysToSubmission": {"value": _median(g["sub"])},
        }
        for k, g in sorted(groups.items())
    ]
    return _json({"statistics": answer})


def _plain(value: Any) -> Any:
    """A transcoded value as plain JSON: the library's ``{"_type_", "_data_"}`` objects
    become what they hold (dates their ISO text, value objects their fields)."""
    if isinstance(value, dict):
        if "_type_" in value and "_data_" in value:
            return _plain(value["_data_"])
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


_cipher: Any = None


def _decode(state: bytes) -> dict[str, Any]:
    global _cipher
    if _cipher is None and os.environ.get("BARE_KEY"):
        from eventsourcing.cryptography import AESCipher
        from eventsourcing.utils import Environment

        _cipher = AESCipher(Environment(env={"CIPHER_KEY": os.environ["BARE_KEY"]}))
    raw = _cipher.decrypt(bytes(state)) if _cipher is not None else bytes(state)
    decoded: dict[str, Any] = json.loads(zlib.decompress(raw))
    return decoded


def history(request: Request) -> Response:
    """A case's stored events, decoded (decrypted, decompressed, JSON), with their audit."""
    stream = request.path_params["id"]
    limit = int(request.query_params.get("first", "500"))
    with _cursor() as c:
        c.execute(
            "SELECT originator_version FROM tracker_events WHERE originator_id = %s "
            "ORDER BY originator_version DESC LIMIT 1",
            (stream,),
        )
        last = c.fetchone()
        c.execute(
            "SELECT originator_id, originator_version, topic, state FROM tracker_events "
            "WHERE originator_id = %s AND originator_version > %s "
            "ORDER BY originator_version ASC LIMIT %s",
            (stream, 0, limit),
        )
        rows = c.fetchall()
    edges = []
    for _, version, topic, state in rows:
        s = _decode(state)
        audit = _plain(s.get("audit", {}))
        edges.append(
            {
                "node": {
                    "version": version,
                    "type": topic.rsplit(".", 1)[-1],
                    "recordedAt": _plain(s.get("timestamp")),
                    "effectiveOn": _plain(s.get("on")),
                    "actorId": audit.get("actor_id"),
                    "role": audit.get("role"),
                    "agency": audit.get("agency"),
                    "requestId": audit.get("request_id"),
                    "hash": s.get("hash"),
                    "prevHash": s.get("prev_hash"),
                    "payload": {k: _plain(v) for k, v in s.items() if k not in ENVELOPE},
                }
            }
        )
    total = int(last[0]) if last else 0
    return _json({"caseHistory": {"totalCount": total, "edges": edges}})


app = Starlette(
    routes=[
        Route("/tracker", tracker),
        Route("/case/{id}", case),
        Route("/deadlines", deadlines),
        Route("/statistics", statistics_of_year),
        Route("/history/{id}", history),
    ]
)
