"""A clock the tests move by hand: the application's "now" is whatever the test says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set_day(self, day: date, at: time = time(10, 0)) -> None:
        """Move to ``at`` o'clock UTC on ``day`` (10:00 UTC is 10:00 or 11:00 in London)."""
        self.now = datetime.combine(day, at, tzinfo=UTC)

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)
