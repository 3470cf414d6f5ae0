"""Exports of the read models as CSV and XLSX, with the GraphQL filters; an analyst's export
carries no name, NHS number, address or date of birth of anyone, and no count under 5."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.context import Principal
from application.generate import generate
from application.history import events_until
from application.service import Safeguarding
from documents.exports import NAMES
from documents.formats import DocumentError, Format
from documents.service import Asked
from domain.values import Role
from entrypoints import bootstrap
from projections import tracker as rm_tracker
from projections.store import ReadStore
from tests.support.clock import FakeClock
from tests.support.documents import csv_rows, xlsx_rows
from tests.support.people import STAFF

CODES = ("BHR", "LEW", "BEX", "HIL")
NATIONAL_ANALYST = Principal("analyst-national", Role.ANALYST, "", CODES)
NATIONAL_STAFF = Principal("staff-national", Role.PARTNERSHIP, "", CODES)


@pytest.fixture
def generated(tracker: Safeguarding, clock: FakeClock) -> Safeguarding:
    """80 invented cases over three years in the four partnerships; read models built."""
    clock.set_day(date(2027, 3, 1))
    generate(tracker, 80, seed=14, years=3)
    projector = bootstrap.projector(tracker)
    projector.setup()
    projector.catch_up()
    projector.store.close()
    return tracker


def invented_people(app: Safeguarding) -> dict[str, set[str]]:
    """Every name, NHS number, address and date of birth the referrals recorded (dates of
    birth more than four years back: no case date of the data set can equal one)."""
    found: dict[str, set[str]] = {"names": set(), "nhs": set(), "addresses": set(), "dob": set()}
    oldest_case_day = app.today() - timedelta(days=4 * 365)
    for n in app.recorder.select_notifications(start=1, limit=100_000):
        if not n.topic.endswith("Referred"):
            continue
        for e in events_until(app, UUID(str(n.originator_id)), version=1):
            d = e.details
            people = [d.referrer, d.safeguarding_lead, d.child, *d.family]
            for p in filter(None, people):
                found["names"].add(p.name)
                address = getattr(p, "address", "")
                if address:
                    found["addresses"].add(address)
                born = getattr(p, "date_of_birth", None)
                if born is not None and born < oldest_case_day:
                    found["dob"].add(born.isoformat())
            if d.child is not None and d.child.nhs_number:
                found["nhs"].add(d.child.nhs_number)
    return found


def exported(app: Safeguarding, who: Principal, model: str, fmt: Format, **filters: Any) -> Any:
    params = [
        (k, v)
        for k, values in filters.items()
        for v in (values if isinstance(values, list) else [values])
    ]
    rendered = bootstrap.documents(app).export(Asked(who), model, fmt, params)
    content = rendered.content()
    return (
        csv_rows(content)
        if fmt is Format.CSV
        else [["" if v is None else str(v) for v in row] for row in xlsx_rows(content)]
    )


@pytest.mark.parametrize("fmt", [Format.CSV, Format.XLSX])
def test_an_analyst_s_exports_name_no_one_and_show_no_count_under_5(
    generated: Safeguarding, fmt: Format
) -> None:
    people = invented_people(generated)
    assert all(people.values())  # the data set does hold such details
    for model in NAMES:
        rows = exported(generated, NATIONAL_ANALYST, model, fmt)
        assert len(rows) > 5, model
        cells = {cell for row in rows for cell in row}
        text = "\n".join(",".join(row) for row in rows)
        for kind, values in people.items():
            leaked = {v for v in values if v in cells or v in text}
            assert not leaked, (model, kind, sorted(leaked)[:3])
        if model == "reviews":
            assert "theme" not in rows[0]  # free text
    statistics = exported(generated, NATIONAL_ANALYST, "statistics", fmt, period="year")
    header, body = statistics[0], statistics[1:]
    value, suppressed = header.index("value"), header.index("suppressed")
    counts = [r for r in body if not r[2].startswith("median")]
    assert counts
    for r in counts:
        assert r[value] == "" or int(r[value]) == 0 or int(r[value]) >= 5, r
        assert (r[value] == "") == (r[suppressed].lower() == "true"), r
    assert any(r[suppressed].lower() == "true" for r in counts)  # small counts were there
    # staff see the same statistics with every count
    full = exported(generated, NATIONAL_STAFF, "statistics", fmt, period="year")
    assert all(r[value] != "" for r in full[1:] if not r[2].startswith("median"))


def test_an_analyst_s_export_of_one_to_four_rows_is_refused(generated: Safeguarding) -> None:
    with pytest.raises(DocumentError) as refused:
        exported(generated, NATIONAL_ANALYST, "tracker", Format.CSV, reference="LEW-2026-0001")
    assert refused.value.status == 403
    assert refused.value.code == "too_few_to_export"
    assert exported(generated, NATIONAL_ANALYST, "tracker", Format.CSV, reference="none")[1:] == []
    assert len(
        exported(generated, NATIONAL_STAFF, "tracker", Format.CSV, reference="LEW-2026-0001")
    ) in (1, 2)


def test_the_tracker_export_takes_the_graphql_filters_and_order(generated: Safeguarding) -> None:
    rows = exported(
        generated,
        NATIONAL_STAFF,
        "tracker",
        Format.CSV,
        stage=["scoping", "panel_responded"],
        received_from="2025-01-01",
        order_by="reference",
        direction="desc",
    )
    header, body = rows[0], rows[1:]
    store = ReadStore(generated.settings)
    with store.transaction() as c:
        expected = rm_tracker.cases(
            c,
            rm_tracker.CaseTracker(generated),
            rm_tracker.CaseFilter(
                partnerships=list(CODES),
                stages=["scoping", "panel_responded"],
                received_from=date(2025, 1, 1),
            ),
            generated.today(),
            order=rm_tracker.CaseOrder.REFERENCE,
            descending=True,
            first=1000,
        ).rows
    store.close()
    assert body
    assert [r[header.index("reference")] for r in body] == [e.reference for e in expected]
    assert {r[header.index("stage")] for r in body} <= {"scoping", "panel_responded"}


def test_an_export_is_read_a_page_at_a_time_and_sent_in_chunks(generated: Safeguarding) -> None:
    rendered = bootstrap.documents(generated).export(
        Asked(NATIONAL_STAFF), "deadlines", Format.CSV, []
    )
    chunks = list(rendered.chunks)
    rows = csv_rows(b"".join(chunks))
    assert len(rows) > 500  # more than one page of 500
    assert len(chunks) >= 2
    assert len({tuple(r) for r in rows[1:]}) == len(rows) - 1  # no row twice across pages


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ([("colour", "red")], "unknown_filter"),
        ([("kind", "murder")], "invalid_value"),
        ([("received_from", "yesterday")], "invalid_value"),
        ([("overdue", "maybe")], "invalid_value"),
        ([("order_by", "name")], "invalid_value"),
    ],
)
def test_a_bad_filter_is_refused_before_anything_is_read(
    tracker: Safeguarding, params: list[tuple[str, str]], code: str
) -> None:
    with pytest.raises(DocumentError) as refused:
        bootstrap.documents(tracker).export(Asked(STAFF), "tracker", Format.CSV, params)
    assert refused.value.status == 422
    assert refused.value.code == code
