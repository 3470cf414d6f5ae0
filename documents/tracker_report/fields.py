"""Every field of the tracker report, read through the read models' own queries: the
sections, each a title, its columns and its rows (read a page at a time, as laid out)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from application.service import Safeguarding
from documents.readside import PAGE, ReadSide
from domain.clocks import ClockName, clock_words
from projections import deadlines as rm_deadlines
from projections import reviews as rm_reviews
from projections import tracker as rm_tracker
from projections.reviews import ReviewRow


@dataclass(frozen=True)
class Section:
    title: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterator[tuple[Any, ...]]]
    widths: tuple[int, ...] = ()


def words(value: str | None) -> str:
    return (value or "").replace("_", " ")


def concurs(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


class TrackerReportFields:
    def __init__(self, app: Safeguarding, read: ReadSide, partnership: str, on: date) -> None:
        self.app, self.read, self.partnership, self.on = app, read, partnership, on
        self.cases = rm_tracker.CaseFilter(
            partnerships=[partnership], statuses=["open"], received_to=on
        )
        self.overdue = rm_deadlines.DeadlineFilter(
            partnerships=[partnership], overdue=True, started_to=on
        )
        self.open_reviews = rm_reviews.ReviewFilter(
            partnerships=[partnership], closed=False, commissioned_to=on
        )
        self.late_actions = rm_reviews.ActionFilter(
            partnerships=[partnership], statuses=["overdue"]
        )

    def totals(self) -> dict[str, int]:
        """How many rows each section has (one counting statement each)."""
        r, on = self.read, self.on
        return r.read(
            lambda c: {
                "open_cases": rm_tracker.cases(c, r.tracker, self.cases, on, first=1).total,
                "open_reviews": rm_reviews.reviews(c, r.reviews, self.open_reviews, first=1).total,
                "overdue_clocks": rm_deadlines.deadlines(
                    c, r.deadlines, self.overdue, on, self.app.calendar_of, first=1
                ).total,
                "overdue_actions": rm_reviews.actions(
                    c, r.reviews, self.late_actions, on, first=1
                ).total,
            }
        )

    def sections(self) -> list[Section]:
        return [
            Section(
                "Open cases",
                (
                    "Reference", "Area", "Kind", "Received", "Stage", "Decision",
                    "Panel notified", "Panel concurs", "Next deadline", "Due", "Overdue clocks",
                ),
                self._cases,
                (17, 11, 10, 13, 17, 10, 13, 10, 24, 13, 10),
            ),
            Section(
                "Clocks overdue",
                ("Reference", "Clock", "For", "Started", "Due", "Working days late"),
                self._overdue,
                (16, 36, 28, 11, 11, 10),
            ),
            Section(
                "Reviews in progress",
                (
                    "Reference", "Type", "Cases", "Commissioned", "Progress",
                    "Publication due", "Publication clock",
                ),
                self._reviews,
                (16, 18, 24, 12, 26, 12, 14),
            ),
            Section(
                "Actions overdue, by owner agency",
                ("Owner agency", "Review", "Action", "Due", "Working days overdue"),
                self._actions,
                (30, 16, 8, 11, 10),
            ),
        ]  # fmt: skip

    def _cases(self) -> Iterator[tuple[Any, ...]]:
        r, on = self.read, self.on
        for row in r.pages(
            lambda c, after: rm_tracker.cases(
                c, r.tracker, self.cases, on, first=PAGE, after=after, count=False
            )
        ):
            clock, _, whose = (row.next_clock or "").partition(":")
            yield (
                row.reference,
                row.area,
                words(row.kind),
                row.received_on,
                words(row.stage),
                words(row.decision),
                row.notified_on,
                concurs(row.panel_concurs),
                clock_words(clock) + (f" ({whose})" if whose else "") if clock else "",
                row.next_due_on,
                row.overdue,
            )

    def _overdue(self) -> Iterator[tuple[Any, ...]]:
        r, on = self.read, self.on
        for d in r.pages(
            lambda c, after: rm_deadlines.deadlines(
                c,
                r.deadlines,
                self.overdue,
                on,
                self.app.calendar_of,
                first=PAGE,
                after=after,
                count=False,
            )
        ):
            yield (d.reference, clock_words(d.clock), d.subject, d.started_on, d.due_on,
                   d.working_days_late)  # fmt: skip

    def _reviews(self) -> Iterator[tuple[Any, ...]]:
        r = self.read
        page: list[ReviewRow] = []
        for review in r.pages(
            lambda c, after: rm_reviews.reviews(
                c, r.reviews, self.open_reviews, first=PAGE, after=after, count=False
            )
        ):
            page.append(review)
            if len(page) == PAGE:
                yield from self._review_rows(page)
                page = []
        yield from self._review_rows(page)

    def _review_rows(self, page: list[ReviewRow]) -> Iterator[tuple[Any, ...]]:
        """A page of reviews with their cases' references and publication clocks (two
        statements for the page)."""
        if not page:
            return
        r, on = self.read, self.on
        case_ids = sorted({i for review in page for i in review.case_ids})
        references = r.read(
            lambda c: {
                t.case_id: t.reference
                for t in rm_tracker.cases(
                    c,
                    r.tracker,
                    rm_tracker.CaseFilter(partnerships=[self.partnership], case_ids=case_ids),
                    on,
                    first=max(1, len(case_ids)),
                    count=False,
                ).rows
            }
        )
        clocks = r.read(
            lambda c: rm_deadlines.deadlines_of(
                c, r.deadlines, [p.review_id for p in page], on, self.app.calendar_of
            )
        )
        for review in page:
            publication = next(
                (d for d in clocks[review.review_id] if d.clock == ClockName.REVIEW_PUBLICATION),
                None,
            )
            yield (
                review.reference,
                words(review.review_type),
                " ".join(references.get(i, i) for i in review.case_ids) or review.theme,
                review.commissioned_on,
                progress(review),
                publication.due_on if publication else None,
                words(publication.status) if publication else "",
            )

    def _actions(self) -> Iterator[tuple[Any, ...]]:
        """Overdue actions grouped by their owner agency: a count per owner first, then
        each owner's actions (so no more than a page is ever held)."""
        r, on = self.read, self.on
        owners: Counter[str] = Counter(
            a.owner_agency
            for a in r.pages(
                lambda c, after: rm_reviews.actions(
                    c, r.reviews, self.late_actions, on, first=PAGE, after=after, count=False
                )
            )
        )
        for owner in sorted(owners):
            yield from self._owner_actions(owner)

    def _owner_actions(self, owner: str) -> Iterator[tuple[Any, ...]]:
        r, on = self.read, self.on
        mine = rm_reviews.ActionFilter(
            partnerships=[self.partnership], statuses=["overdue"], owner_agencies=[owner]
        )
        for a in r.pages(
            lambda c, after: rm_reviews.actions(
                c, r.reviews, mine, on, first=PAGE, after=after, count=False
            )
        ):
            late = self.app.calendar_of(self.partnership).working_days_between(a.due_on, on)
            yield (owner, a.reference, a.action_id, a.due_on, late)


def progress(review: ReviewRow) -> str:
    if review.published_on:
        return f"published {review.published_on.isoformat()}"
    if review.final_report_on:
        return f"final report received {review.final_report_on.isoformat()}"
    if review.deferred:
        return "publication deferred"
    return "in progress"
