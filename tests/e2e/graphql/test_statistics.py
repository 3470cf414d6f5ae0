"""Statistics: counts under five are suppressed, for analysts only."""

from __future__ import annotations

from datetime import datetime

from tests.e2e.graphql.helpers import walked
from tests.support.clock import FakeClock
from tests.support.graph import Graph
from tests.support.scenario import refer


def test_statistics_suppress_counts_under_five_for_analysts_only(
    graph: Graph, clock: FakeClock
) -> None:
    walked(graph, clock)
    document = """{ statistics { cases { value suppressed }
      byStage { key count { value suppressed } }
      timeliness { clock onTime { value suppressed } breached { value suppressed } }
      medianWorkingDaysToDecision { value suppressed over { value suppressed } } } }"""
    [analyst] = graph.query("analyst", document)["statistics"]
    assert analyst["cases"] == {"value": None, "suppressed": True}
    assert analyst["byStage"] == [
        {"key": "panel_responded", "count": {"value": None, "suppressed": True}}
    ]
    assert analyst["medianWorkingDaysToDecision"] == {
        "value": None,
        "suppressed": True,
        "over": {"value": None, "suppressed": True},
    }
    zero = {"value": 0, "suppressed": False}  # nothing to hide in an empty count
    alerted = next(t for t in analyst["timeliness"] if t["clock"] == "PARTNERS_ALERTED")
    assert alerted == {
        "clock": "PARTNERS_ALERTED",
        "onTime": {"value": None, "suppressed": True},
        "breached": zero,
    }
    [staff] = graph.query("staff", document)["statistics"]
    assert staff["cases"] == {"value": 1, "suppressed": False}
    assert staff["medianWorkingDaysToDecision"]["value"] == 3.0

    for day in range(5):  # five more cases: counts of 5 and more are shown
        refer(graph.tracker, clock, received=datetime(2027, 2, 1 + day).date())
    graph.project()
    [analyst] = graph.query("analyst", document)["statistics"]
    assert analyst["cases"] == {"value": 6, "suppressed": False}
    assert {"key": "referred", "count": {"value": 5, "suppressed": False}} in analyst["byStage"]
