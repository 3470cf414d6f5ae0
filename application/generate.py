"""Realistic synthetic cases for demos, tests and benchmarks.

Every act goes through the domain's command methods, so the generated history obeys every
guard. Timings are drawn so that most clocks are met, some late and some breached; some
partners dispute and go to mediation; reviews are commissioned with action plans. People
are invented (first names from common lists, surnames made up) and nothing is real.
The same seed gives the same cases.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from application.records import ReferenceCounter, series_for
from application.service import Safeguarding
from domain.base import AuditedAggregate
from domain.case import Case
from domain.errors import DomainError
from domain.review import Review
from domain.values import (
    AgencyInvolvement,
    Audit,
    Child,
    ChronologyEntry,
    Contact,
    FamilyMember,
    Incident,
    LearningCategory,
    LearningOutcome,
    Participant,
    RapidReviewCriterion,
    Recommendation,
    ReferralDetails,
    Role,
    Source,
)

FIRST = [
    "Amara",
    "Ayaan",
    "Bea",
    "Caleb",
    "Daisy",
    "Eli",
    "Esme",
    "Felix",
    "Grace",
    "Hassan",
    "Isla",
    "Jayden",
    "Kai",
    "Layla",
    "Leo",
    "Maya",
    "Mohammed",
    "Nia",
    "Noah",
    "Olivia",
    "Oscar",
    "Priya",
    "Reuben",
    "Rosie",
    "Sami",
    "Sofia",
    "Theo",
    "Zara",
    "Zain",
    "Ivy",
]
SURNAME_PARTS = [
    "Ash",
    "Bel",
    "Cor",
    "Dun",
    "Ell",
    "Fen",
    "Gar",
    "Hol",
    "Ive",
    "Jor",
    "Kel",
    "Lan",
    "Mor",
    "Nor",
    "Pel",
    "Quen",
    "Ros",
    "Sel",
    "Tor",
    "Vex",
]
SURNAME_ENDS = ["by", "ford", "wick", "ton", "ley", "more", "den", "well", "croft", "stead"]
AGENCIES = (
    "Children's Social Care",
    "Metropolitan Police",
    "Integrated Care Board",
    "Acute Hospital Trust",
    "Mental Health Trust",
    "Health Visiting",
    "School",
    "Early Help",
    "Youth Justice Service",
    "Housing",
    "Probation Service",
    "GP Practice",
    "Ambulance Service",
    "CAMHS",
)
PARTNER_NAMES = {
    "local_authority": "Children's Social Care",
    "police": "Metropolitan Police",
    "icb": "ICB",
}
WEIGHTS = {"BHR": 3, "LEW": 2, "BEX": 1, "HIL": 1}


@dataclass
class GenerateStats:
    cases: int = 0
    reviews: int = 0
    events: int = 0
    refused: int = 0  # acts a guard refused (kept honest: counted, not hidden)
    by_stage: dict[str, int] = field(default_factory=dict)


def _name(rng: random.Random) -> tuple[str, str]:
    surname = rng.choice(SURNAME_PARTS) + rng.choice(SURNAME_ENDS)
    return rng.choice(FIRST), surname


class _Story:
    """One case's life, walked forward in (working) days until it reaches ``today``."""

    def __init__(
        self, app: Safeguarding, rng: random.Random, today: date, partnership: str
    ) -> None:
        self.app = app
        self.partnership = partnership
        self.rng = rng
        self.today = today
        self.cal = app.calendar
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

    def act(self, command: Callable[..., object], **kwargs: Any) -> bool:
        """Run one command method; a refusal by a guard is counted, not raised."""
        try:
            command(**kwargs)
        except DomainError:
            self.refused += 1
            return False
        return True


def _details(rng: random.Random, agency: str, received: date, serious: bool) -> ReferralDetails:
    first, surname = _name(rng)
    dob = received - timedelta(days=rng.randint(30, 17 * 365))
    child = Child(
        name=f"{first} {surname}",
        date_of_birth=dob,
        nhs_number=" ".join(str(rng.randint(100, 999)) for _ in range(3)) + str(rng.randint(0, 9)),
        gender=rng.choice(("female", "male", "unknown")),
        ethnicity=rng.choice(("White British", "Black African", "Asian British", "Mixed", "Other")),
        address=f"{rng.randint(1, 200)} {rng.choice(SURNAME_PARTS)} Road",
        looked_after=rng.random() < 0.08,
        child_protection_plan_current=rng.random() < 0.2,
        open_to_social_care=rng.random() < 0.5,
    )
    mother_first, _ = _name(rng)
    return ReferralDetails(
        referrer=Contact(
            f"{_name(rng)[0]} {_name(rng)[1]}", agency, "Practitioner", "referrer@example.org"
        ),
        safeguarding_lead=Contact(f"{_name(rng)[0]} {_name(rng)[1]}", agency, "Designated lead"),
        child=child,
        family=(FamilyMember(f"{mother_first} {surname}", "mother", child.address),),
        agencies=tuple(AgencyInvolvement(a) for a in rng.sample(AGENCIES, 3)),
        outline="Invented case for demonstration and testing.",
        reason="Serious harm; abuse suspected." if serious else "Learning for the partnership.",
        chronology=(ChronologyEntry(received - timedelta(days=2), "Incident"),),
    )


def _serious_incident(story: _Story, case: Case, partnership: str) -> None:
    rng, t = story.rng, story.app.timescales(partnership)
    received = case.received_on
    alerted = story.timely(received, t.partners_alerted)
    if story.ok(alerted):
        assert alerted is not None
        story.act(
            case.alert_partners,
            audit=story.staff(alerted),
            on=alerted,
            recipients=["local_authority", "police", "icb", "lfp_chair"],
        )
    met = rng.random() < 0.6
    recommended = story.after(received, 1, 4)
    if not story.ok(recommended):
        return
    outcome = "met" if met else "not_met"
    story.act(
        case.recommend_criteria,
        audit=story.staff(recommended),
        on=recommended,
        recommendation=outcome,
        rationale="Per the criteria.",
    )
    decided = story.timely(received, t.criteria_decision, late=0.08, missing=0.02)
    if not story.ok(decided):
        return
    assert decided is not None
    disputed = rng.random() < 0.1
    for partner in ("local_authority", "police", "icb"):
        vote = outcome if not (disputed and partner == "police") else ("not_met" if met else "met")
        story.act(
            case.record_partner_decision,
            audit=story.audit(decided, Role.PARTNER, partner, partnership, partner),
            on=decided,
            partner=partner,
            decision=vote,
            rationale="Considered at the partners' meeting.",
        )
    if disputed:
        story.act(
            case.dispute_criteria,
            audit=story.staff(decided),
            on=decided,
            summary="Partners disagree.",
        )
        mediated = story.after(decided, 1, 5)
        if not story.ok(mediated):
            return
        scrutineer = story.audit(mediated, Role.SCRUTINEER, "scrutineer", partnership)
        story.act(
            case.request_mediation,
            audit=scrutineer,
            on=mediated,
            mediator="Independent scrutineer",
            reason="",
        )
        story.act(
            case.conclude_mediation,
            audit=scrutineer,
            on=mediated,
            outcome=outcome,
            summary="Resolved.",
        )
        decided = mediated
    story.act(
        case.decide_criteria, audit=story.staff(decided), on=decided, outcome=outcome, rationale=""
    )
    if not met:
        lfp = story.after(decided, 0, 2)
        if story.ok(lfp):
            story.act(
                case.refer_to_learning_from_practice,
                audit=story.staff(lfp),
                on=lfp,
                meeting="next_scheduled",
                meeting_on=None,
            )
            _learning(story, case, partnership, lfp)
        return
    notified = story.timely(case.aware_on, t.panel_notification, late=0.1, missing=0.0)
    if not story.ok(notified) or notified is None:
        return
    notified = max(notified, decided)
    story.act(
        case.notify_national_panel,
        audit=story.staff(notified),
        on=notified,
        notified_by="Director of Children's Services",
    )
    meeting = story.after(
        notified,
        t.rapid_review_meeting_window_opens,
        t.rapid_review_meeting + (2 if rng.random() < 0.1 else 0),
    )
    started = story.after(notified, 0, 2)
    if not story.ok(started):
        return
    story.act(case.start_rapid_review, audit=story.staff(started), on=started, meeting_on=meeting)
    agencies = rng.sample(AGENCIES, rng.randint(3, 12))
    for name in agencies:
        due = story.cal.add_working_days(started, t.scoping_returned)
        story.act(
            case.request_scoping,
            audit=story.staff(started),
            on=started,
            agency=name,
            due_on=due,
            contact="",
        )
    for name in agencies:
        returned = story.timely(started, t.scoping_returned, late=0.1, missing=0.05)
        if story.ok(returned):
            assert returned is not None
            agency_audit = story.audit(returned, Role.AGENCY, name, partnership, name)
            story.act(case.secure_records, audit=agency_audit, on=returned, agency=name, note="")
            story.act(
                case.return_scoping,
                audit=agency_audit,
                on=returned,
                agency=name,
                completed_by=Contact("Safeguarding lead", name),
                involvement=rng.random() < 0.8,
                summary="Involved since last year.",
                analysis="Some good practice.",
            )
    if not story.ok(meeting):
        return
    recommendation = rng.choice(list(Recommendation))
    participants = [
        Participant(f"{_name(rng)[0]} {_name(rng)[1]}", "Lead", PARTNER_NAMES[p], p)
        for p in PARTNER_NAMES
    ]
    story.act(
        case.hold_meeting,
        audit=story.staff(meeting),
        on=meeting,
        format=rng.choice(("face_to_face", "video")),
        participants=participants,
        immediate_action_taken=True,
        immediate_action_details="Siblings safeguarded.",
        criteria=rng.sample([c.value for c in RapidReviewCriterion], 2),
        discussion="Facts reviewed.",
        nature_of_harm="Serious harm.",
        legal_advice_sought=rng.random() < 0.2,
        recommendation=recommendation.value,
        recommendation_other="See the report."
        if recommendation.value.startswith(("d_", "j_"))
        else "",
        rationale="As discussed.",
    )
    last = meeting
    for partner in PARTNER_NAMES:
        approved = story.timely(meeting, t.report_approval, late=0.1, missing=0.02)
        if story.ok(approved):
            assert approved is not None
            story.act(
                case.approve_report,
                audit=story.audit(approved, Role.PARTNER, partner, partnership, partner),
                on=approved,
                partner=partner,
                approver=f"Lead {partner}",
            )
            last = max(last, approved)
    submitted = max(
        last,
        story.timely(case.notified_on or notified, t.rapid_review_submission, late=0.1, missing=0.0)
        or last,
    )
    if not story.ok(submitted) or not case.approvals_complete:
        return
    story.act(case.submit_rapid_review, audit=story.staff(submitted), on=submitted)
    responded = story.after(submitted, 8, 17)
    if story.ok(responded):
        story.act(
            case.receive_panel_response,
            audit=story.staff(responded),
            on=responded,
            concurs=rng.random() < 0.9,
            view="Noted.",
        )


def _learning(story: _Story, case: Case, partnership: str, since: date) -> None:
    t = story.app.timescales(partnership)
    due = t.next_learning_group_meeting(since, story.cal)
    considered = due if story.rng.random() < 0.85 else story.after(due, 5, 30)
    if not story.ok(considered):
        return
    staff = story.audit(considered, Role.PARTNERSHIP, "lfp-chair", partnership)
    outcome = story.rng.choice(list(LearningOutcome)).value
    story.act(
        case.consider_learning_referral, audit=staff, on=considered, outcome=outcome, notes=""
    )
    informed = story.after(considered, 0, 3)
    if story.ok(informed):
        story.act(
            case.inform_referrer,
            audit=story.audit(informed, Role.PARTNERSHIP, "lfp-chair", partnership),
            on=informed,
            note="E-mailed",
        )
        closed = story.after(informed, 0, 10)
        if story.rng.random() < 0.5 and story.ok(closed):
            story.act(
                case.close_case,
                audit=story.staff(closed),
                on=closed,
                reason="Learning captured; referrer informed.",
            )


def _review(
    story: _Story, case: Case, partnership: str, allocate: Callable[[UUID, int], str]
) -> Review | None:
    """A local review with an action plan for cases the Panel has answered."""
    if case.panel_response_on is None or story.rng.random() > 0.5:
        return None
    rng = story.rng
    on = story.after(case.panel_response_on, 1, 10)
    if not story.ok(on):
        return None
    review_id = uuid4()
    review = Review.commission_review(
        id=review_id,
        audit=story.staff(on),
        reference=allocate(review_id, on.year),
        partnership=partnership,
        review_type=rng.choice(("local_cspr", "learning_review", "multi_agency_audit")),
        case_ids=[case.id],
        theme="",
        on=on,
    )
    tor = story.after(on, 5, 15)
    if not story.ok(tor):
        return review
    story.act(
        review.agree_terms_of_reference, audit=story.staff(tor), on=tor, summary="Scope agreed."
    )
    story.act(
        review.appoint_reviewer,
        audit=story.staff(tor),
        on=tor,
        name="Independent reviewer",
        role="independent_reviewer",
    )
    report = story.after(on, 60, 140)
    if not story.ok(report):
        return review
    story.act(review.receive_final_report, audit=story.staff(report), on=report)
    for _ in range(rng.randint(2, 5)):
        due = report + timedelta(days=rng.randint(30, 120))
        story.act(
            review.agree_action,
            audit=story.staff(report),
            on=report,
            description="Improve practice",
            owner_agency=rng.choice(AGENCIES),
            due_on=due,
        )
    published = story.after(report, 5, 25)
    if story.ok(published):
        story.act(
            review.publish_review,
            audit=story.staff(published),
            on=published,
            link="https://example.org/reviews",
        )
    for action in list(review.actions.values()):
        done = action.due_on + timedelta(days=rng.randint(-40, 20))
        done = max(done, action.agreed_on)
        if story.ok(done) and rng.random() < 0.9:
            story.act(
                review.complete_action,
                audit=story.staff(done),
                on=done,
                action_id=action.action_id,
                evidence="Done",
            )
    return review


def _counter(
    app: Safeguarding, cache: dict[str, ReferenceCounter], series: str
) -> ReferenceCounter:
    counter = cache.get(series)
    if counter is None:
        try:
            counter = app.repository.get(ReferenceCounter.create_id(series))
        except AggregateNotFoundError:
            counter = ReferenceCounter(series=series)
        cache[series] = counter
    return counter


def _review_reference(
    app: Safeguarding, counters: dict[str, ReferenceCounter], code: str, review_id: UUID, year: int
) -> str:
    return _counter(app, counters, series_for(f"{code}-R", year)).next_reference(review_id)


def generate(
    app: Safeguarding,
    count: int,
    *,
    seed: int = 0,
    years: int = 3,
    batch: int = 10,
    progress: Callable[[int], object] | None = None,
) -> GenerateStats:
    """Write ``count`` synthetic cases received over the last ``years`` years.

    Cases are saved ``batch`` at a time, each batch in one transaction with its
    reference counters. Returns what was written.
    """
    rng = random.Random(seed)
    today = app.today()
    stats = GenerateStats()
    codes = [p.code for p in app.partnerships]
    weights = [WEIGHTS.get(c, 1) for c in codes]
    pending: list[Aggregate] = []
    counters: dict[str, ReferenceCounter] = {}
    written = 0

    def flush() -> None:
        nonlocal written
        if not pending:
            return
        recordings = app.save(*pending, *counters.values())
        stats.events += sum(
            1 for r in recordings if isinstance(r.domain_event, AuditedAggregate.Event)
        )
        pending.clear()
        counters.clear()
        if progress:
            progress(written)
        written = 0

    for _ in range(count):
        code = rng.choices(codes, weights)[0]
        partnership = app.partnerships.get(code)
        area = rng.choice(partnership.local_authorities)
        received = today - timedelta(days=rng.randint(0, years * 365))
        received = app.calendar.next_working_day_on_or_after(received)
        if received > today:
            received = today
        story = _Story(app, rng, today, code)
        serious = rng.random() < 0.7
        case_id = uuid4()
        reference = _counter(app, counters, series_for(code, received.year)).next_reference(case_id)
        referrer_agency = rng.choice(AGENCIES)
        audit = story.audit(received, Role.AGENCY, referrer_agency, code, referrer_agency)
        details = _details(rng, referrer_agency, received, serious)
        if serious:
            incident = Incident(
                kind=rng.choice(("death", "serious_harm", "serious_harm")),
                occurred_on=received - timedelta(days=rng.randint(0, 10)),
            )
            case = Case.refer_serious_incident(
                id=case_id,
                audit=audit,
                reference=reference,
                partnership=code,
                area=area,
                received_on=received,
                aware_on=None,
                details=details,
                incident=incident,
            )
            _serious_incident(story, case, code)
        else:
            case = Case.refer_practice_learning(
                id=case_id,
                audit=audit,
                reference=reference,
                partnership=code,
                area=area,
                received_on=received,
                details=details,
                category=rng.choice(list(LearningCategory)).value,
                learning="What went well and what nearly went wrong.",
            )
            _learning(story, case, code, received)
        pending.append(case)
        review = _review(story, case, code, partial(_review_reference, app, counters, code))
        if review is not None:
            pending.append(review)
            stats.reviews += 1
        stats.cases += 1
        stats.refused += story.refused
        stats.by_stage[case.stage] = stats.by_stage.get(case.stage, 0) + 1
        written += 1
        if len([a for a in pending if isinstance(a, Case)]) >= batch:
            flush()
    flush()
    return stats
