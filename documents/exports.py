"""Exports of the read models (tracker, deadlines, reviews, actions, statistics) as CSV or
XLSX, with the filters of their GraphQL fields, written a page of rows at a time.

Filters are named as GraphQL's (``stage``, ``received_from``, ``overdue``...), in snake
case; a list filter is repeated (``stage=scoping&stage=panel_notified``), dates are
``YYYY-MM-DD``, yes/no ``true``/``false``; an unknown filter or a bad value is refused.
An analyst's export carries what the analyst may see: the pseudonymised rows (references
and age bands, no names, addresses, NHS numbers, dates of birth or free text; a review's
theme is left out), every count of 1 to 4 suppressed in the statistics, and no export of
1 to 4 rows (a count under 5, as the statistics would suppress it).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from application.service import Safeguarding
from documents.formats import DocumentError, Format
from documents.output import Rendered, spooled
from documents.readside import PAGE, ReadSide
from documents.sheets import Sheet, csv_chunks, write_xlsx
from documents.statistics import STATISTICS_COLUMNS, SUPPRESS_BELOW, statistics_rows
from domain.clocks import ClockName, ClockStatus
from domain.values import CaseKind
from projections import deadlines as rm_deadlines
from projections import reviews as rm_reviews
from projections import tracker as rm_tracker
from projections.engine import Projector
from projections.paging import Page
from projections.store import Cursor

RESERVED = frozenset({"format", "partnership", "order_by", "direction", "after"})


class Kind(StrEnum):
    LIST = "list"
    BOOL = "bool"
    DATE = "date"


@dataclass(frozen=True)
class Filter:
    """A query parameter: its kind and the read model's filter field it sets."""

    field: str
    kind: Kind = Kind.LIST
    choices: frozenset[str] = frozenset()  # for a list of a vocabulary


def _values(enum: type[StrEnum]) -> frozenset[str]:
    return frozenset(m.value for m in enum)


@dataclass(frozen=True)
class Model:
    """One read model as an export: its filters and how a page of it is read."""

    filters: dict[str, Filter]
    make: Callable[..., Any]  # the model's filter dataclass
    # a page after the cursor (the first, counted, when None)
    fetch: Callable[[ReadSide, Cursor, Any, date, Any, str | None], Page[Any]]
    orders: dict[str, Any] = field(default_factory=dict)
    hidden_from_analysts: frozenset[str] = frozenset()


def _dates(*names: str) -> dict[str, Filter]:
    return {f"{n}_{end}": Filter(f"{n}_{end}", Kind.DATE) for n in names for end in ("from", "to")}


MODELS: dict[str, Model] = {
    "tracker": Model(
        filters={
            "id": Filter("case_ids"),
            "reference": Filter("references"),
            "area": Filter("areas"),
            "kind": Filter("kinds", choices=_values(CaseKind)),
            "stage": Filter("stages"),
            "status": Filter("statuses", choices=frozenset({"open", "closed"})),
            "incident_kind": Filter("incident_kinds"),
            "decision": Filter("decisions"),
            "recommendation": Filter("recommendations"),
            "review_type": Filter("review_types"),
            "next_clock": Filter("next_clocks", choices=_values(ClockName)),
            "looked_after": Filter("looked_after", Kind.BOOL),
            "overdue": Filter("overdue", Kind.BOOL),
            **_dates("received", "incident", "next_due"),
        },
        make=rm_tracker.CaseFilter,
        fetch=lambda r, c, f, on, order, after: rm_tracker.cases(
            c,
            r.tracker,
            f,
            on,
            order=order[0],
            descending=order[1],
            first=PAGE,
            after=after,
            count=after is None,
        ),
        orders={o.value: o for o in rm_tracker.CaseOrder},
    ),
    "deadlines": Model(
        filters={
            "stream_id": Filter("stream_ids"),
            "reference": Filter("references"),
            "clock": Filter("clocks", choices=_values(ClockName)),
            "status": Filter("statuses", choices=_values(ClockStatus)),
            "subject": Filter("subjects"),
            "watch_only": Filter("watch_only", Kind.BOOL),
            "overdue": Filter("overdue", Kind.BOOL),
            **_dates("due", "started"),
        },
        make=rm_deadlines.DeadlineFilter,
        fetch=lambda r, c, f, on, order, after: rm_deadlines.deadlines(
            c,
            r.deadlines,
            f,
            on,
            r.app.calendar_of,
            order=order[0],
            descending=order[1],
            first=PAGE,
            after=after,
            count=after is None,
        ),
        orders={o.value: o for o in rm_deadlines.DeadlineOrder},
    ),
    "reviews": Model(
        filters={
            "id": Filter("review_ids"),
            "review_type": Filter("review_types"),
            "published": Filter("published", Kind.BOOL),
            "closed": Filter("closed", Kind.BOOL),
            **_dates("commissioned"),
        },
        make=rm_reviews.ReviewFilter,
        fetch=lambda r, c, f, on, order, after: rm_reviews.reviews(
            c, r.reviews, f, first=PAGE, after=after, count=after is None
        ),
        hidden_from_analysts=frozenset({"theme"}),  # free text
    ),
    "actions": Model(
        filters={
            "review_id": Filter("review_ids"),
            "owner_agency": Filter("owner_agencies"),
            "status": Filter(
                "statuses", choices=frozenset({"open", "overdue", "completed", "completed_late"})
            ),
            **_dates("due"),
        },
        make=rm_reviews.ActionFilter,
        fetch=lambda r, c, f, on, order, after: rm_reviews.actions(
            c, r.reviews, f, on, first=PAGE, after=after, count=after is None
        ),
    ),
}
NAMES = (*MODELS, "statistics")


def bad(code: str, message: str) -> DocumentError:
    return DocumentError(422, code, message)


def parse_filters(model: Model, params: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The model's filter fields from query parameters; refused when unknown or bad."""
    found: dict[str, Any] = {}
    for name, value in params:
        if name in RESERVED:
            continue
        spec = model.filters.get(name)
        if spec is None:
            known = ", ".join(sorted(model.filters))
            raise bad("unknown_filter", f"no filter {name!r} here (filters: {known})")
        if spec.kind is Kind.LIST:
            if spec.choices and value not in spec.choices:
                choices = ", ".join(sorted(spec.choices))
                raise bad("invalid_value", f"{name} {value!r} is not one of: {choices}")
            found.setdefault(spec.field, []).append(value)
        elif spec.kind is Kind.BOOL:
            if value.lower() not in ("true", "false"):
                raise bad("invalid_value", f"{name} must be true or false")
            found[spec.field] = value.lower() == "true"
        else:
            try:
                found[spec.field] = date.fromisoformat(value)
            except ValueError:
                raise bad("invalid_value", f"{name} must be a date (YYYY-MM-DD)") from None
    return found


def _order(model: Model, params: Sequence[tuple[str, str]]) -> tuple[Any, bool]:
    given = dict(params)
    order = given.get("order_by")
    direction = given.get("direction", "asc").lower()
    if direction not in ("asc", "desc"):
        raise bad("invalid_value", "direction must be asc or desc")
    if order is None:
        return (next(iter(model.orders.values()), None), direction == "desc")
    if order not in model.orders:
        raise bad("invalid_value", f"order_by {order!r} is not one of: {', '.join(model.orders)}")
    return model.orders[order], direction == "desc"


def _row(value: Any, hidden: frozenset[str]) -> tuple[Any, ...]:
    """A read model's row as the export's cells (lists of ids joined by spaces)."""
    return tuple(
        " ".join(v) if isinstance(v, tuple) else v
        for f, v in ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
        if f not in hidden
    )


_ROWS = {
    "tracker": rm_tracker.TrackerRow,
    "deadlines": rm_deadlines.Deadline,
    "reviews": rm_reviews.ReviewRow,
    "actions": rm_reviews.ActionRow,
}


def table(
    read: ReadSide,
    name: str,
    params: Sequence[tuple[str, str]],
    partnerships: list[str],
    analyst: bool,
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The export's columns and rows: its first page read now (so a refusal comes before
    anything is sent), the rest as the rows are consumed."""
    if name == "statistics":
        return STATISTICS_COLUMNS, statistics_rows(read, params, partnerships, analyst)
    model = MODELS[name]
    today = read.app.today()
    wanted = model.make(partnerships=partnerships, **parse_filters(model, params))
    order = _order(model, params)
    hidden = model.hidden_from_analysts if analyst else frozenset()
    first = read.read(lambda c: model.fetch(read, c, wanted, today, order, None))
    if analyst and 0 < first.total < SUPPRESS_BELOW:
        raise DocumentError(
            403,
            "too_few_to_export",
            f"an analyst's export covers at least {SUPPRESS_BELOW} rows: fewer would reveal "
            "a count under 5, which is suppressed",
        )
    columns = [f.name for f in dataclasses.fields(_ROWS[name]) if f.name not in hidden]

    def rows() -> Iterator[tuple[Any, ...]]:
        found: Iterator[Any] = iter(first.rows)
        if first.has_next and first.cursors:
            rest = read.pages(
                lambda c, after: model.fetch(read, c, wanted, today, order, after),
                start=first.cursors[-1],
            )
            found = itertools.chain(found, rest)
        for r in found:
            yield _row(r, hidden)

    return columns, rows()


def export(
    app: Safeguarding,
    reader: Callable[[], Projector],
    name: str,
    fmt: Format,
    params: Sequence[tuple[str, str]],
    *,
    partnerships: list[str],
    analyst: bool,
    after: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> Rendered:
    """Export ``name`` for a reader of ``partnerships`` (an analyst's: see the module).
    CSV is made as it is sent; XLSX is written to a temporary file first."""
    if name not in NAMES:
        raise DocumentError(404, "not_found", f"no export {name!r} (exports: {', '.join(NAMES)})")
    today = app.today()
    read = ReadSide(app, reader(), after)
    filename = f"{name}-{'-'.join(partnerships)}-{today.isoformat()}.{fmt.value}"
    try:
        columns, rows = table(read, name, params, partnerships, analyst)
        if fmt is Format.CSV:
            return Rendered(filename, fmt, _closing(read, csv_chunks(columns, rows, progress)))
        chunks, size = spooled(
            lambda out: write_xlsx(
                [Sheet(name, columns, rows)],
                out,
                title=f"Export of {name}",
                author=", ".join(partnerships),
                subject=f"{name} as of {today.isoformat()}",
                created=datetime(today.year, today.month, today.day),
                progress=progress,
            )
        )
    except BaseException:
        read.close()
        raise
    read.close()
    return Rendered(filename, fmt, chunks, None, size)


def _closing(read: ReadSide, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, then the export's connection closed (also when the reader stops)."""
    try:
        yield from chunks
    finally:
        read.close()
