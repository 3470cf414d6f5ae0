"""The web tracker's sessions on SQLite and PostgreSQL: only a hash of the token is stored,
never the key; a session ends when ended, after idling, and at the end of its lifetime."""

from __future__ import annotations

from datetime import timedelta

from application.service import Safeguarding
from tests.support.clock import FakeClock
from web.sessions import Sessions


def sessions(tracker: Safeguarding) -> Sessions:
    return Sessions(
        tracker.datastore, tracker.clock, idle=timedelta(minutes=30), lifetime=timedelta(hours=8)
    )


def test_a_session_is_found_by_its_token_and_stored_only_as_a_hash(
    tracker: Safeguarding,
) -> None:
    store = sessions(tracker)
    opened = store.open("abcdef123456")
    found = store.find(opened.token)
    assert found is not None
    assert (found.key_id, found.csrf) == ("abcdef123456", opened.csrf)
    assert store.find(opened.token + "x") is None
    assert store.find("") is None
    with store.cursor(commit=False) as c:
        c.execute(f"SELECT * FROM {store.sessions_table}")
        rows = [str(r) for r in c.fetchall()]
    assert len(rows) == 1
    assert opened.token not in rows[0]
    store.end(opened.token)
    assert store.find(opened.token) is None


def test_a_session_ends_after_idling_and_after_its_lifetime(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    store = sessions(tracker)
    idle = store.open("abcdef123456")
    clock.advance(minutes=31)
    assert store.find(idle.token) is None

    busy = store.open("abcdef123456")
    for _ in range(16):  # a page every 29 minutes keeps it alive, for 8 hours at most
        clock.advance(minutes=29)
        assert store.find(busy.token) is not None
    clock.advance(minutes=29)  # 8 h 13 min after sign-in
    assert store.find(busy.token) is None


def test_opening_a_session_clears_long_expired_ones(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    store = sessions(tracker)
    for _ in range(3):
        store.open("abcdef123456")
    clock.advance(hours=9)
    store.open("abcdef123456")
    with store.cursor(commit=False) as c:
        c.execute(f"SELECT COUNT(*) FROM {store.sessions_table}")
        row = c.fetchone()
    assert next(iter(row.values() if isinstance(row, dict) else row)) == 1
