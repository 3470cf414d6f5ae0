"""Charts drawn on the server as SVG (no chart library, no script): a case's clocks on one
timeline, and the statistics' bars. Each chart is an ``img`` with a title and a
description, and every page that shows one shows its numbers in a table too (WCAG 1.1.1);
colour is never the only sign (each bar is labelled with its status or value, 1.4.1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

from markupsafe import Markup

from web.templates import day, words

# GOV.UK Frontend's colours: each status's, with a text colour that contrasts on it
STATUS_COLOURS = {
    "MET": "#00703c",
    "MET_LATE": "#f47738",
    "BREACHED": "#d4351c",
    "PENDING": "#1d70b8",
    "CANCELLED": "#b1b4b6",
}
TEXT = "#0b0c0c"
FONT = 'font-family="arial, sans-serif"'


@dataclass(frozen=True)
class Span:
    label: str
    start: date
    due: date
    stop: date | None
    status: str


def _x(d: date, lo: date, hi: date, left: float, width: float) -> float:
    days = max((hi - lo).days, 1)
    return left + width * (d - lo).days / days


def _ticks(lo: date, hi: date, n: int = 5) -> list[date]:
    """At most ``n + 1`` days from ``lo`` to ``hi``, evenly spaced (labels never overlap)."""
    step = max(-(-(hi - lo).days // n), 1)
    return [lo + timedelta(days=step * i) for i in range(n + 1) if lo + timedelta(step * i) <= hi]


def timeline(spans: Sequence[Span], today: date, title: str, ident: str) -> Markup:
    """Each clock from its start to its stop (or today, while it runs), its due day marked
    with a black tick, coloured by its status and labelled with it; today a dashed line."""
    if not spans:
        return Markup("")
    lo = min(s.start for s in spans)
    hi = max(max(s.due, s.stop or s.due) for s in spans)
    shows_today = lo <= today <= hi + timedelta(days=30)
    if shows_today:
        hi = max(hi, today)
    lo, hi = lo - timedelta(days=1), hi + timedelta(days=1)
    label_w, status_w, row_h, top = 280.0, 120.0, 30.0, 40.0
    width = 960.0
    plot = width - label_w - status_w
    height = top + row_h * len(spans) + 30
    out = [
        f'<svg class="tracker-chart" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT} font-size="13">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{len(spans)} clocks from {day(lo)} to {day(hi)}; each bar runs '
        "from the clock's start to its stop (or today while it runs), the black tick is its "
        "due day; the table below lists the same dates.</desc>",
    ]
    for t in _ticks(lo, hi):
        x = _x(t, lo, hi, label_w, plot)
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{height - 25}" '
            'stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top - 14}" text-anchor="middle" fill="{TEXT}">'
            f"{t.day} {t:%b %Y}</text>"
        )
    end_of_runs = today if shows_today else hi
    for i, s in enumerate(spans):
        y = top + i * row_h
        colour = STATUS_COLOURS.get(s.status, "#505a5f")
        x0 = _x(s.start, lo, hi, label_w, plot)
        x1 = _x(s.stop or max(min(end_of_runs, hi), s.start), lo, hi, label_w, plot)
        xd = _x(s.due, lo, hi, label_w, plot)
        out.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" fill="{TEXT}">'
            f"{escape(s.label)}</text>"
            f'<rect x="{x0:.1f}" y="{y + 7}" width="{max(x1 - x0, 3):.1f}" height="16" '
            f'fill="{colour}"/>'
            f'<line x1="{xd:.1f}" y1="{y + 3}" x2="{xd:.1f}" y2="{y + 27}" stroke="{TEXT}" '
            'stroke-width="3"/>'
            f'<text x="{width - status_w + 8}" y="{y + 19}" fill="{TEXT}">'
            f"{escape(words(s.status).lower())}</text>"
        )
    if shows_today:
        xt = _x(today, lo, hi, label_w, plot)
        out.append(
            f'<line x1="{xt:.1f}" y1="{top - 4}" x2="{xt:.1f}" y2="{height - 20}" '
            f'stroke="{TEXT}" stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{xt:.1f}" y="{height - 6}" text-anchor="middle" font-weight="bold" '
            f'fill="{TEXT}">Today, {today.day} {today:%b %Y}</text>'
        )
    else:
        out.append(
            f'<text x="{label_w + plot}" y="{height - 6}" text-anchor="end" fill="{TEXT}">'
            f"Today ({day(today)}) is after the last date shown</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text in it went through escape()


def _value(count: dict[str, Any] | None) -> int:
    return int(count["value"] or 0) if count and not count.get("suppressed") else 0


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[str, dict[str, Any] | None]]]],
    title: str,
    ident: str,
) -> Markup:
    """One horizontal bar per row, its parts stacked (``(status, count)``), each part's
    count written on it where it fits; suppressed counts are left out of the bars."""
    label_w, row_h, top, width = 280.0, 30.0, 10.0, 960.0
    plot = width - label_w - 60
    most = max((sum(_value(c) for _, c in parts) for _, parts in rows), default=0) or 1
    height = top + row_h * len(rows) + 10
    out = [
        f'<svg class="tracker-chart" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT} font-size="13">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">One bar per clock, its parts the instances on time, late, '
        "breached, pending and cancelled; the table below gives every number.</desc>",
    ]
    for i, (label, parts) in enumerate(rows):
        y = top + i * row_h
        out.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
        x = label_w
        for status, c in parts:
            n = _value(c)
            if not n:
                continue
            w = plot * n / most
            fill = STATUS_COLOURS.get(status, "#505a5f")
            ink = TEXT if status in ("MET_LATE", "CANCELLED") else "#ffffff"
            out.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="20" fill="{fill}"/>')
            if w > 24:
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 19}" text-anchor="middle" '
                    f'fill="{ink}">{n}</text>'
                )
            x += w
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text in it went through escape()


def grouped_columns(
    groups: Sequence[tuple[str, Sequence[tuple[str, float | None]]]],
    series: Sequence[tuple[str, str]],
    title: str,
    ident: str,
    unit: str,
) -> Markup:
    """Columns per group (a period), one per series (``(name, colour)``), each with its
    value written above it; a value that is missing or suppressed draws no column."""
    width, height, left, bottom, top = 960.0, 300.0, 50.0, 40.0, 20.0
    plot_h = height - top - bottom
    most = max((v or 0 for _, values in groups for _, v in values), default=0) or 1
    slot = (width - left - 10) / max(len(groups), 1)
    bar = min(slot / (len(series) + 1), 40)
    out = [
        f'<svg class="tracker-chart" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT} font-size="12">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(", ".join(n for n, _ in series))} in {unit} for each '
        "period; the table below gives every number.</desc>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'stroke="{TEXT}"/>',
    ]
    colours = dict(series)
    for g, (label, values) in enumerate(groups):
        x = left + g * slot + (slot - bar * len(series)) / 2
        for name, v in values:
            if v is not None:
                h = plot_h * v / most
                y = height - bottom - h
                out.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{colours[name]}"/>'
                    f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                    f'fill="{TEXT}">{v:g}</text>'
                )
            x += bar
        out.append(
            f'<text x="{left + g * slot + slot / 2:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" fill="{TEXT}">{escape(label)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text in it went through escape()
