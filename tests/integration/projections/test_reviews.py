"""The reviews read model: reviews and their actions, overdue ones by owner."""

from __future__ import annotations

from datetime import date

from application.acts import AgreeAction, CommissionReview, CompleteAction
from application.service import Safeguarding
from projections.reviews import Reviews
from projections.store import ReadStore
from tests.support.clock import FakeClock
from tests.support.people import ctx
from tests.support.readmodels import projector
from tests.support.scenario import walk_to_panel_response


def test_reviews_and_actions_with_overdue_actions_by_owner(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    case_id = walk_to_panel_response(tracker, clock)
    clock.set_day(date(2027, 2, 10))
    review = tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 2, 10), case_ids=[case_id]
        ),
    ).id
    for owner, due in (("Police", date(2027, 3, 1)), ("ICB", date(2027, 5, 1))):
        tracker.execute(
            ctx(),
            AgreeAction(
                review_id=review,
                on=date(2027, 2, 10),
                description="Act",
                owner_agency=owner,
                due_on=due,
            ),
        )
    clock.set_day(date(2027, 2, 20))
    tracker.execute(
        ctx(),
        CompleteAction(review_id=review, on=date(2027, 2, 20), action_id="A2", evidence="Done"),
    )
    model = Reviews(tracker)
    projector(tracker, read_store, model).catch_up()

    with read_store.transaction() as c:
        everything = model.actions(c, date(2027, 3, 2), partnership="LEW")
        overdue = model.actions(c, date(2027, 3, 2), overdue_only=True)
        police = model.actions(c, date(2027, 2, 28), owner_agency="Police")
    assert [(a.action_id, a.status) for a in everything] == [("A1", "overdue"), ("A2", "completed")]
    assert [(a.reference, a.owner_agency) for a in overdue] == [("LEW-R-2027-0001", "Police")]
    assert [a.status for a in police] == ["open"]
