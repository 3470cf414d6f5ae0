"""The server-drawn charts: an SVG ``img`` with a title and a description, every text
escaped, each bar labelled (not colour alone), today marked; the pages' helpers."""

from __future__ import annotations

from datetime import date
from typing import Any
from xml.etree import ElementTree

from web.auth import safe_next
from web.charts import Span, grouped_columns, stacked_bars, timeline
from web.templates import count, day, words

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_the_timeline_draws_each_clock_its_due_day_and_today() -> None:
    spans = [
        Span("Partners alerted", date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 5), "MET"),
        Span("Scoping <Police & co>", date(2027, 1, 6), date(2027, 1, 13), None, "BREACHED"),
    ]
    svg = parsed(timeline(spans, date(2027, 1, 20), "Clocks of <LEW-1>", "c"))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c-t c-d"
    title = svg.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Clocks of <LEW-1>"  # escaped, read back
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Scoping <Police & co>" in texts
    assert {"met", "breached"} <= set(texts)  # the status in words beside each bar
    assert "Today, 20 Jan 2027" in texts
    assert len(svg.findall(f"{SVG}rect")) == 2
    # the open clock runs to today: its bar ends at today's line
    bar = svg.findall(f"{SVG}rect")[1]
    today_line = next(ln for ln in svg.iter(f"{SVG}line") if ln.get("stroke-dasharray"))
    end = float(bar.get("x", 0)) + float(bar.get("width", 0))
    assert abs(end - float(today_line.get("x1", 0))) < 0.2


def test_a_today_long_after_the_clocks_is_said_not_drawn() -> None:
    spans = [Span("A", date(2024, 1, 1), date(2024, 1, 5), date(2024, 1, 3), "MET")]
    svg = parsed(timeline(spans, date(2027, 1, 1), "t", "x"))
    texts = [t.text or "" for t in svg.iter(f"{SVG}text")]
    assert any("is after the last date shown" in t for t in texts)
    assert not [ln for ln in svg.iter(f"{SVG}line") if ln.get("stroke-dasharray")]


def test_no_clock_draws_nothing() -> None:
    assert str(timeline([], date(2027, 1, 1), "t", "x")) == ""


def test_bars_leave_suppressed_counts_out_and_write_each_value() -> None:
    rows: list[tuple[str, list[tuple[str, dict[str, Any] | None]]]] = [
        ("Decision", [("MET", {"value": 40, "suppressed": False}), ("BREACHED", None)]),
        ("Notice", [("MET", {"value": None, "suppressed": True})]),
    ]
    svg = parsed(stacked_bars(rows, "Timeliness", "t"))
    assert len(svg.findall(f"{SVG}rect")) == 1
    assert "40" in [t.text for t in svg.iter(f"{SVG}text")]
    columns = parsed(
        grouped_columns(
            [("2026", [("a", 4.5), ("b", None)])],
            [("a", "#1d70b8"), ("b", "#4c2c92")],
            "Medians",
            "m",
            "days",
        )
    )
    assert len(columns.findall(f"{SVG}rect")) == 1
    assert "4.5" in [t.text for t in columns.iter(f"{SVG}text")]


def test_the_pages_words_dates_and_counts() -> None:
    assert words("PANEL_NOTIFICATION") == "Panel notification"
    assert words("met_late") == "Met late"
    assert words(None) == ""
    assert day("2027-01-04") == "4 January 2027"
    assert day(None) == ""
    assert count({"value": 3, "suppressed": False}) == "3"
    assert count({"value": None, "suppressed": True}) == "fewer than 5"


def test_the_page_to_go_back_to_is_always_this_sites() -> None:
    assert safe_next("/cases/1?x=2") == "/cases/1?x=2"
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example", "", None):
        assert safe_next(elsewhere) == "/"
