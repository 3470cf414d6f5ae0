"""Deadlines, reviews and actions: a case with its review, and overdue actions by owner agency."""

from __future__ import annotations

from application.acts import AgreeAction, CommissionReview
from tests.support.clock import FakeClock
from tests.support.graph import Graph
from tests.support.scenario import walk_to_panel_response


def test_a_case_with_its_review_and_overdue_actions_by_owner_agency(
    graph: Graph, clock: FakeClock
) -> None:
    from datetime import date

    from tests.support.people import ctx

    case_id = walk_to_panel_response(graph.tracker, clock)
    clock.set_day(date(2027, 2, 10))
    review = graph.tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 2, 10), case_ids=[case_id]
        ),
    ).id
    for owner, due in (("Police", date(2027, 3, 1)), ("ICB", date(2027, 5, 1))):
        graph.tracker.execute(
            ctx(),
            AgreeAction(
                review_id=review,
                on=date(2027, 2, 10),
                description="Act",
                owner_agency=owner,
                due_on=due,
            ),
        )
    clock.set_day(date(2027, 3, 2))
    graph.project()
    data = graph.query(
        "staff",
        """query($id: ID!) {
          case(id: $id) { reviewType
            reviews { reference reviewType deadlines { clock status dueOn }
                      actions { actionId ownerAgency status dueOn } } }
          overdue: actions(filter: {status: [OVERDUE]}) {
            totalCount edges { node { reviewReference actionId ownerAgency dueOn } } }
          police: actions(filter: {ownerAgency: ["Police"]}) { totalCount }
          scoping: deadlines(filter: {clock: [SCOPING_RETURNED], agency: ["SLaM NHS Trust"]}) {
            edges { node { subject status workingDaysLate } } }
        }""",
        id=str(case_id),
    )
    [r] = data["case"]["reviews"]
    assert data["case"]["reviewType"] == r["reviewType"] == "local_cspr"
    assert r["actions"] == [
        {"actionId": "A1", "ownerAgency": "Police", "status": "OVERDUE", "dueOn": "2027-03-01"},
        {"actionId": "A2", "ownerAgency": "ICB", "status": "OPEN", "dueOn": "2027-05-01"},
    ]
    assert [(d["clock"], d["status"]) for d in r["deadlines"]] == [
        ("ACTION_DUE", "BREACHED"),  # A1, due 1 March
        ("ACTION_DUE", "PENDING"),  # A2, due 1 May
        ("REVIEW_PUBLICATION", "PENDING"),
    ]
    assert data["overdue"] == {
        "totalCount": 1,
        "edges": [
            {
                "node": {
                    "reviewReference": "LEW-R-2027-0001",
                    "actionId": "A1",
                    "ownerAgency": "Police",
                    "dueOn": "2027-03-01",
                }
            }
        ],
    }
    assert data["police"]["totalCount"] == 1
    assert [e["node"] for e in data["scoping"]["edges"]] == [
        {"subject": "SLaM NHS Trust", "status": "MET_LATE", "workingDaysLate": 1}
    ]
    # an analyst asking the same is refused what singles out fewer than 5
    for query in (
        "{ actions(filter: {status: [OVERDUE]}) { totalCount } }",
        "{ reviews { edges { node { reference } } } }",
    ):
        codes = [e["extensions"]["code"] for e in graph.errors("analyst", query)]
        assert codes == ["too_few_to_show"], query
