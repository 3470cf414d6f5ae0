"""The statistics as an export: one row per count (or median) of each group, with the
arguments of GraphQL's ``statistics`` field; for analysts every count of 1 to 4, and every
median taken over fewer than 5 cases, is blank and marked suppressed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from documents.formats import DocumentError
from documents.readside import ReadSide
from projections import statistics as stats

STATISTICS_COLUMNS = ["partnership", "period", "measure", "key", "value", "over", "suppressed"]
SUPPRESS_BELOW = 5  # as the GraphQL statistics (api/graph/statistics/types.py)
_TIMELINESS = {
    "met": "on_time",
    "met_late": "late",
    "breached": "breached",
    "pending": "pending",
    "cancelled": "cancelled",
}


def _arguments(params: Sequence[tuple[str, str]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in params:
        if name in ("format", "partnership", "after"):
            continue
        if name in ("received_from", "received_to"):
            try:
                found[name] = date.fromisoformat(value)
            except ValueError:
                raise DocumentError(422, "invalid_value", f"{name} must be a date") from None
        elif name == "period":
            try:
                found[name] = stats.Period(value.lower())
            except ValueError:
                choices = ", ".join(p.value for p in stats.Period)
                raise DocumentError(
                    422, "invalid_value", f"period {value!r} is not one of: {choices}"
                ) from None
        elif name == "by_partnership":
            if value.lower() not in ("true", "false"):
                raise DocumentError(422, "invalid_value", "by_partnership must be true or false")
            found[name] = value.lower() == "true"
        else:
            known = "received_from, received_to, period, by_partnership"
            raise DocumentError(
                422, "unknown_filter", f"no argument {name!r} here (arguments: {known})"
            )
    return found


def statistics_rows(
    read: ReadSide, params: Sequence[tuple[str, str]], partnerships: list[str], analyst: bool
) -> Iterator[tuple[Any, ...]]:
    arguments = _arguments(params)  # refused before anything is sent
    app = read.app
    groups = read.read(
        lambda c: stats.grouped(
            c,
            read.tracker,
            read.deadlines,
            app.today(),
            app.calendar_of,
            partnerships=partnerships,
            **arguments,
        )
    )
    return _rows(groups, analyst)


def _rows(groups: list[stats.Statistics], analyst: bool) -> Iterator[tuple[Any, ...]]:
    def count(measure: str, key: str, n: int) -> tuple[Any, ...]:
        hidden = analyst and 0 < n < SUPPRESS_BELOW
        return (group, period, measure, key, None if hidden else n, None, hidden)

    for s in groups:
        group, period = s.partnership or "", s.period or ""
        yield count("cases", "", s.cases)
        for measure, counts in (
            ("by_stage", s.by_stage),
            ("by_kind", s.by_kind),
            ("by_recommendation", s.by_recommendation),
            ("by_decision", s.by_decision),
        ):
            for key, n in sorted(counts.items()):
                yield count(measure, key, n)
        for clock, counts in s.timeliness.items():
            for status, label in _TIMELINESS.items():
                yield count(f"timeliness:{clock}", label, counts.get(status, 0))
        for measure, value, over in (
            ("median_working_days_to_decision", s.median_working_days_to_decision,
             s.decisions_measured),
            ("median_working_days_to_submission", s.median_working_days_to_submission,
             s.submissions_measured),
        ):  # fmt: skip
            hidden = analyst and 0 < over < SUPPRESS_BELOW
            shown_over = None if analyst and 0 < over < SUPPRESS_BELOW else over
            yield (group, period, measure, "", None if hidden else value, shown_over, hidden)
