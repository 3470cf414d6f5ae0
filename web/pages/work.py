"""The work due: clocks due this week and overdue, reviews with their six-month clock,
and review actions overdue by owner agency."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.auth import CurrentVisitor
from web.graph import ask
from web.templates import page

router = APIRouter()

CLOCK = (
    "streamId reference partnership clock subject startedOn dueOn stoppedOn status "
    "workingDaysLate watchOnly"
)
DEADLINES = f"""
query WebDeadlines($from: Date!, $to: Date!) {{
  week: deadlines(filter: {{dueFrom: $from, dueTo: $to, status: [PENDING]}}, first: 100) {{
    totalCount edges {{ node {{ {CLOCK} }} }}
  }}
  overdue: deadlines(filter: {{overdue: true, watchOnly: false}}, first: 100) {{
    totalCount edges {{ node {{ {CLOCK} }} }}
  }}
}}
"""
REVIEWS = """
query WebReviews($after: String) {
  reviews(first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id reference partnership reviewType commissionedOn deferred finalReportOn publishedOn
      closedOn
      cases { id reference }
      deadlines { clock startedOn dueOn stoppedOn status workingDaysLate }
    } }
  }
}
"""
ACTIONS = """
query WebActions {
  actions(filter: {status: [OVERDUE]}, first: 100) {
    totalCount
    edges { node { reviewId reviewReference actionId ownerAgency dueOn status } }
  }
}
"""


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in connection["edges"]]


@router.get("/deadlines")
async def deadlines(request: Request, visitor: CurrentVisitor) -> Response:
    today = request.app.state.safeguarding.today()
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    data = await ask(
        request,
        visitor.principal,
        DEADLINES,
        **{"from": monday.isoformat(), "to": sunday.isoformat()},
    )
    return page(
        request,
        "deadlines.html",
        title="Deadlines",
        section="deadlines",
        visitor=visitor,
        week=_nodes(data["week"]),
        week_total=data["week"]["totalCount"],
        overdue=_nodes(data["overdue"]),
        overdue_total=data["overdue"]["totalCount"],
        monday=monday,
        sunday=sunday,
        today=today,
    )


@router.get("/reviews")
async def reviews(request: Request, visitor: CurrentVisitor, after: str = "") -> Response:
    data = await ask(request, visitor.principal, REVIEWS, after=after or None)
    found = data["reviews"]
    rows = []
    for r in _nodes(found):
        clock = next((d for d in r["deadlines"] if d["clock"] == "REVIEW_PUBLICATION"), None)
        rows.append({**r, "publication": clock})
    return page(
        request,
        "reviews.html",
        title="Reviews",
        section="reviews",
        visitor=visitor,
        rows=rows,
        total=found["totalCount"],
        next_cursor=found["pageInfo"]["endCursor"] if found["pageInfo"]["hasNextPage"] else None,
        paged=bool(after),
    )


@router.get("/actions")
async def actions(request: Request, visitor: CurrentVisitor) -> Response:
    data = await ask(request, visitor.principal, ACTIONS)
    by_owner: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in _nodes(data["actions"]):
        by_owner[a["ownerAgency"]].append(a)
    return page(
        request,
        "actions.html",
        title="Overdue actions",
        section="actions",
        visitor=visitor,
        owners=sorted(by_owner.items(), key=lambda kv: (-len(kv[1]), kv[0])),
        total=data["actions"]["totalCount"],
        today=request.app.state.safeguarding.today(),
    )
