"""The SQLite recorder, with group commit when enabled (``application.groupcommit``).

SQLite has one writer at a time: concurrent appends of a process queue for the write lock
and each pays its own commit (a write and sync of the WAL). With group commit they go
together: one ``BEGIN`` ... ``COMMIT`` for the group, each append inside its own savepoint,
so an append that meets the primary key (an event already stored at its version) is rolled
back to its savepoint and refused alone while the others commit. Row ids (notification
ids) are issued in the order written, under the write lock, as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

from application.groupcommit import GroupCommitting, Outcome


class GroupedSQLiteRecorder(GroupCommitting, SQLiteApplicationRecorder):
    def insert_groups(self, appends: Sequence[Sequence[StoredEvent]]) -> list[Outcome]:
        """Write ``appends`` in one transaction: each one's notification ids, or the
        IntegrityError that refused it alone."""
        outcomes: list[Outcome] = []
        with self.datastore.transaction(commit=True) as c:
            for stored_events in appends:
                c.execute("SAVEPOINT tracker_append")
                try:
                    ids = self._insert_events(c, stored_events)
                except sqlite3.IntegrityError as e:
                    c.execute("ROLLBACK TO tracker_append")
                    outcomes.append(IntegrityError(str(e)))
                else:
                    outcomes.append(list(ids or ()))
                c.execute("RELEASE tracker_append")
        return outcomes
