"""Publication within six months (seed 001): deferred and resumed (e.g. for criminal
proceedings, pausing the clock), the final report, the pre-publication copy to the Panel
and the Secretary of State, and the review published."""

from __future__ import annotations

import typing
from dataclasses import replace
from datetime import date
from typing import Any

from domain.base import AuditedAggregate
from domain.errors import AlreadyRecordedError, InvalidValueError, WrongStageError
from domain.review.state import Deferral, ReviewState
from domain.values import Audit, PrePublicationRecipient, parse, text


class Publication(ReviewState):
    """From the final report to the published review."""

    class PublicationDeferred(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.deferrals = (*aggregate.deferrals, Deferral(deferred_on=self.on))

    def defer_publication(self, *, audit: Audit, on: date, reason: str) -> None:
        """E.g. criminal proceedings: pauses the six-month publication clock."""
        self._act(on, audit, "date of deferral")
        self.check_not_published()
        if self.is_deferred:
            raise AlreadyRecordedError("publication is already deferred")
        resumed = self.deferrals[-1].resumed_on if self.deferrals else None
        if resumed is not None and on < resumed:
            raise InvalidValueError(
                f"publication was deferred until {resumed.isoformat()}: a deferral cannot "
                "overlap an earlier one"
            )
        self.trigger_event(
            self.PublicationDeferred, audit=audit, on=on, reason=text(reason, "reason")
        )

    class PublicationResumed(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            review: ReviewState = aggregate
            *earlier, current = review.deferrals
            review.deferrals = (*earlier, replace(current, resumed_on=self.on))

    def resume_publication(self, *, audit: Audit, on: date, reason: str) -> None:
        self._act(on, audit, "date publication resumed")
        if not self.is_deferred:
            raise WrongStageError("publication is not deferred")
        if on < self.deferrals[-1].deferred_on:
            raise InvalidValueError("publication cannot resume before it was deferred")
        self.trigger_event(
            self.PublicationResumed, audit=audit, on=on, reason=text(reason, "reason")
        )

    class FinalReportReceived(AuditedAggregate.Event):
        on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.final_report_on = self.on

    def receive_final_report(self, *, audit: Audit, on: date) -> None:
        self._act(on, audit, "date final report received")
        if self.final_report_on is not None:
            raise AlreadyRecordedError("the final report is already received")
        self.trigger_event(self.FinalReportReceived, audit=audit, on=on)

    class PrePublicationCopySent(AuditedAggregate.Event):
        on: date
        recipients: tuple[str, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.pre_publication_sent_on = self.on

    def send_pre_publication_copy(
        self, *, audit: Audit, on: date, recipients: typing.Iterable[str]
    ) -> None:
        self._act(on, audit, "date pre-publication copy sent")
        if self.final_report_on is None:
            raise WrongStageError("the pre-publication copy is of the final report")
        chosen = tuple(
            sorted({parse(PrePublicationRecipient, r, "recipient").value for r in recipients})
        )
        if not chosen:
            raise InvalidValueError("name at least one recipient")
        self.trigger_event(self.PrePublicationCopySent, audit=audit, on=on, recipients=chosen)

    class ReviewPublished(AuditedAggregate.Event):
        on: date
        link: str

        def apply(self, aggregate: Any) -> None:
            aggregate.published_on = self.on
            aggregate.link = self.link

    def publish_review(self, *, audit: Audit, on: date, link: str) -> None:
        self._act(on, audit, "date of publication")
        self.check_not_published()
        if self.final_report_on is None:
            raise WrongStageError("a review is published once its final report is received")
        if self.is_deferred:
            raise WrongStageError("publication is deferred; resume it first")
        self.trigger_event(
            self.ReviewPublished, audit=audit, on=on, link=text(link, "link", limit=2000)
        )
