"""``generate``: draw each case (partnership, kind, dates, referrer), walk its story, and
save the cases ``batch`` at a time with their reference counters."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from application.acts import ReferPracticeLearning, ReferSeriousIncident
from application.acts.referral import CaseReferral
from application.generate.invented import AGENCIES, WEIGHTS, referral_details
from application.generate.serious_incident import walk_serious_incident
from application.generate.story import Story, walk_learning, walk_review
from application.records import ReferenceCounter, series_for
from application.service import Safeguarding
from domain.base import AuditedAggregate
from domain.case import Case
from domain.values import Incident, LearningCategory, Role


@dataclass
class GenerateStats:
    cases: int = 0
    reviews: int = 0
    events: int = 0
    refused: int = 0  # acts a guard refused (kept honest: counted, not hidden)
    by_stage: dict[str, int] = field(default_factory=dict)


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
        received = app.calendar_of(code).next_working_day_on_or_after(received)
        if received > today:
            received = today
        story = Story(app, rng, today, code)
        serious = rng.random() < 0.7
        case_id = uuid4()
        reference = _counter(app, counters, series_for(code, received.year)).next_reference(case_id)
        referrer_agency = rng.choice(AGENCIES)
        audit = story.audit(received, Role.AGENCY, referrer_agency, code, referrer_agency)
        details = referral_details(rng, referrer_agency, received, serious)
        if serious:
            incident = Incident(
                kind=rng.choice(("death", "serious_harm", "serious_harm")),
                occurred_on=received - timedelta(days=rng.randint(0, 10)),
            )
            referral: CaseReferral = ReferSeriousIncident(
                partnership=code,
                area=area,
                received_on=received,
                details=details,
                incident=incident,
            )
        else:
            referral = ReferPracticeLearning(
                partnership=code,
                area=area,
                received_on=received,
                details=details,
                category=rng.choice(list(LearningCategory)).value,
                learning="What went well and what nearly went wrong.",
            )
        case = referral.create(case_id, reference, audit)
        assert isinstance(case, Case)
        if serious:
            walk_serious_incident(story, case, code)
        else:
            walk_learning(story, case, code, received)
        pending.append(case)
        review = walk_review(story, case, code, partial(_review_reference, app, counters, code))
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
