"""One generated case's life, walked forward in (working) days until it reaches today:
the helpers every walk uses (``Story``), and the practice-learning and review walks."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid4

from application.acts import (
    AgreeAction,
    AgreeTermsOfReference,
    AppointReviewer,
    CloseCase,
    CommissionReview,
    CompleteAction,
    ConsiderLearningReferral,
    InformReferrer,
    PublishReview,
    ReceiveFinalReport,
    SubjectAct,
)
from application.generate.invented import AGENCIES
from application.service import Safeguarding
from domain.base import AuditedAggregate
from domain.case import Case
from domain.errors import DomainError
from domain.review import Review
from domain.values import Audit, LearningOutcome, Role, Source


class Story:
    """One case's life, walked forward in (working) days until it reaches ``today``."""

    def __init__(
        self, app: Safeguarding, rng: random.Random, today: date, partnership: str
    ) -> None:
        self.app = app
        self.partnership = partnership
        self.rng = rng
        self.today = today
        self.cal = app.calendar_of(partnership)
        self.refused = 0

    def audit(self, on: date, role: Role, actor: str, partnership: str, agency: str = "") -> Audit:
        at = datetime.combine(on, time(9 + self.rng.randrange(8), self.rng.randrange(60)), UTC)
        return Audit(
            actor_id=f"generator:{actor}",
            role=role.value,
            recorded_at=at,
            agency=agency,
            request_id=f"gen-{uuid4().hex[:12]}",
            source=Source.IMPORT.value,
            partnership=partnership,
        )

    def staff(self, on: date) -> Audit:
        return self.audit(on, Role.PARTNERSHIP, "staff", self.partnership)

    def after(self, d: date, lo: int, hi: int) -> date:
        return self.cal.add_working_days(d, self.rng.randint(lo, hi))

    def timely(
        self, d: date, target: int, *, late: float = 0.12, missing: float = 0.03
    ) -> date | None:
        """A date for an act due ``target`` working days after ``d``: usually on time."""
        r = self.rng.random()
        if r < missing:
            return None
        if r < missing + late:
            return self.after(d, target + 1, target + 4)
        return self.after(d, max(0, target - 2) if target > 1 else 0, target)

    def ok(self, d: date | None) -> bool:
        return d is not None and d <= self.today

    def act(self, subject: AuditedAggregate, audit: Audit, act: SubjectAct) -> bool:
        """Perform ``act`` on ``subject`` as its declaration says (the events are saved
        with the batch); a refusal by a guard is counted, not raised. (The audit comes
        before the act so that, for a seed, the random draws keep their order.)"""
        try:
            act.perform(subject, audit, self.app)
        except DomainError:
            self.refused += 1
            return False
        return True


def walk_learning(story: Story, case: Case, partnership: str, since: date) -> None:
    t = story.app.timescales(partnership)
    due = t.next_learning_group_meeting(since, story.cal)
    considered = due if story.rng.random() < 0.85 else story.after(due, 5, 30)
    if not story.ok(considered):
        return
    staff = story.audit(considered, Role.PARTNERSHIP, "lfp-chair", partnership)
    outcome = story.rng.choice(list(LearningOutcome)).value
    story.act(
        case,
        staff,
        ConsiderLearningReferral(case_id=case.id, on=considered, outcome=outcome, notes=""),
    )
    informed = story.after(considered, 0, 3)
    if story.ok(informed):
        story.act(
            case,
            story.audit(informed, Role.PARTNERSHIP, "lfp-chair", partnership),
            InformReferrer(case_id=case.id, on=informed, note="E-mailed"),
        )
        closed = story.after(informed, 0, 10)
        if story.rng.random() < 0.5 and story.ok(closed):
            story.act(
                case,
                story.staff(closed),
                CloseCase(
                    case_id=case.id, on=closed, reason="Learning captured; referrer informed."
                ),
            )


def walk_review(
    story: Story, case: Case, partnership: str, allocate: Callable[[UUID, int], str]
) -> Review | None:
    """A local review with an action plan for cases the Panel has answered."""
    if case.panel_response_on is None or story.rng.random() > 0.5:
        return None
    rng = story.rng
    on = story.after(case.panel_response_on, 1, 10)
    if not story.ok(on):
        return None
    review_id = uuid4()
    audit = story.staff(on)
    commission = CommissionReview(
        partnership=partnership,
        review_type=rng.choice(("local_cspr", "learning_review", "multi_agency_audit")),
        on=on,
        case_ids=[case.id],
    )
    review = commission.create(review_id, allocate(review_id, on.year), audit)
    assert isinstance(review, Review)
    tor = story.after(on, 5, 15)
    if not story.ok(tor):
        return review
    story.act(
        review,
        story.staff(tor),
        AgreeTermsOfReference(review_id=review.id, on=tor, summary="Scope agreed."),
    )
    story.act(
        review,
        story.staff(tor),
        AppointReviewer(
            review_id=review.id, on=tor, name="Independent reviewer", role="independent_reviewer"
        ),
    )
    report = story.after(on, 60, 140)
    if not story.ok(report):
        return review
    story.act(review, story.staff(report), ReceiveFinalReport(review_id=review.id, on=report))
    for _ in range(rng.randint(2, 5)):
        due = report + timedelta(days=rng.randint(30, 120))
        story.act(
            review,
            story.staff(report),
            AgreeAction(
                review_id=review.id,
                on=report,
                description="Improve practice",
                owner_agency=rng.choice(AGENCIES),
                due_on=due,
            ),
        )
    published = story.after(report, 5, 25)
    if story.ok(published):
        story.act(
            review,
            story.staff(published),
            PublishReview(review_id=review.id, on=published, link="https://example.org/reviews"),
        )
    for action in list(review.actions.values()):
        done = action.due_on + timedelta(days=rng.randint(-40, 20))
        done = max(done, action.agreed_on)
        if story.ok(done) and rng.random() < 0.9:
            story.act(
                review,
                story.staff(done),
                CompleteAction(
                    review_id=review.id, on=done, action_id=action.action_id, evidence="Done"
                ),
            )
    return review
