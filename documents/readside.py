"""The read models as reports and exports read them: through the models' own queries, a
keyset page per short transaction (so a long export never holds a lock, nor every row),
on a connection of its own; and the stamp of what they reflect (their log position and
the hash of the last recorded event at it, read from the event store)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from application.errors import ReadModelBehindError
from application.service import Safeguarding
from documents.layout import Stamp
from projections.deadlines import Deadlines
from projections.decoding import CHAINED_TOPICS
from projections.engine import Projector
from projections.paging import Page
from projections.reviews import Reviews
from projections.store import Cursor
from projections.tracker import CaseTracker

T = TypeVar("T")
M = TypeVar("M")
PAGE = 500
WAIT_SECONDS = 5.0


class ReadSide:
    def __init__(self, app: Safeguarding, projector: Projector, after: int | None = None) -> None:
        """The read models of ``projector``, once they have reached the log position
        ``after`` (read-your-writes, as every read of the read models)."""
        self.app = app
        self.projector = projector
        if after and not projector.wait(after, WAIT_SECONDS):
            projector.store.close()
            raise ReadModelBehindError(
                f"the read models have not reached position {after} yet; retry shortly"
            )

    def model(self, kind: type[M]) -> M:
        return next(m for m in self.projector.models if isinstance(m, kind))

    @property
    def tracker(self) -> CaseTracker:
        return self.model(CaseTracker)

    @property
    def deadlines(self) -> Deadlines:
        return self.model(Deadlines)

    @property
    def reviews(self) -> Reviews:
        return self.model(Reviews)

    def position(self) -> int:
        """How far every read model has got in the log."""
        return max(0, min(self.projector.positions().values(), default=0))

    def read(self, query: Callable[[Cursor], T]) -> T:
        with self.projector.store.transaction() as c:
            return query(c)

    def pages(
        self, fetch: Callable[[Cursor, str | None], Page[T]], start: str | None = None
    ) -> Iterator[T]:
        """Every row of a keyset query (after the cursor ``start``), a page per transaction."""
        after = start
        while True:
            page = self.read(lambda c, at=after: fetch(c, at))  # type: ignore[misc]
            yield from page.rows
            if not page.has_next or not page.cursors:
                return
            after = page.cursors[-1]

    def stamp(self, subject: str, position: int) -> Stamp:
        """What a report of the read models at ``position`` reflects: the hash and time of
        the last case or review event at or before it (from the event store)."""
        stop = position
        while stop > 0:
            start = max(1, stop - 49)
            batch = self.app.recorder.select_notifications(start=start, limit=50, stop=stop)
            for n in reversed(batch):
                if n.topic.startswith(CHAINED_TOPICS):
                    event: Any = self.app.mapper.to_domain_event(n)
                    return Stamp(subject, None, position, event.hash, event.timestamp)
            stop = start - 1
        return Stamp(subject, None, position, "", None)

    def close(self) -> None:
        self.projector.store.close()
