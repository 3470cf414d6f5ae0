"""What the GraphQL tests share: the seed timetable walked and projected, and the query
asking everything an analyst may ask."""

from __future__ import annotations

from tests.support.clock import FakeClock
from tests.support.graph import Graph
from tests.support.scenario import refer, walk_to_panel_response


def walked(graph: Graph, clock: FakeClock) -> str:
    """The seed timetable walked to the Panel's response, projected; the case id."""
    case_id = walk_to_panel_response(graph.tracker, clock)
    graph.project()
    return str(case_id)


def walked_among_others(graph: Graph, clock: FakeClock) -> str:
    """``walked``, with four more referrals beside it: enough cases (5) for an analyst to
    list them (fewer would be a count under 5, refused)."""
    case_id = walk_to_panel_response(graph.tracker, clock)
    for _ in range(4):
        refer(graph.tracker, clock, received=graph.tracker.today())
    graph.project()
    return str(case_id)


EVERYTHING_AN_ANALYST_MAY_ASK = """
query($id: ID!) {
  cases(first: 100) { totalCount edges { node {
    id reference partnership area kind stage status incidentKind incidentOn lookedAfter ageBand
    decision receivedOn decidedOn notifiedOn submittedOn recommendation panelConcurs reviewType
    nextClock nextDueOn overdueCount lastActivity version
    deadlines { clock subject status dueOn startedOn stoppedOn workingDaysLate watchOnly }
    scoping { agency requestedOn dueOn returnedOn status workingDaysLate }
    reviews { reference reviewType commissionedOn actions { actionId ownerAgency status } }
    personal { child { name dateOfBirth nhsNumber address } family { name } referral incident }
  } } }
  case(id: $id) { reference ageBand personal { child { name } referral } }
  deadlines(first: 100) { edges { node { reference clock subject status } } }
  reviews { edges { node { reference caseIds actions { actionId ownerAgency } } } }
  actions { edges { node { actionId ownerAgency status } } }
  statistics(period: YEAR) { period cases { value suppressed } byStage { key count { value } } }
}
"""
