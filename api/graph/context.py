"""What every resolver of one GraphQL request shares: who asks, one read transaction over
the read models (opened on first use), batch loaders, and the personal-data reads to log.

A request runs in one worker thread (see ``schema.ThreadedSchema``); its statements go
through a counting cursor, so the cost of a query in statements is known and tested.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from strawberry.fastapi import BaseContext

from api.readers import Readers
from api.routes.read_models import READ_WAIT_SECONDS, READERS
from application.access import AccessLog, entry
from application.context import Principal
from application.errors import NotPermittedError, ReadModelBehindError
from application.service import Safeguarding
from projections.deadlines import Deadlines
from projections.engine import Projector
from projections.reviews import Reviews
from projections.store import Cursor
from projections.tracker import CaseTracker

M = TypeVar("M")


class CountingCursor:
    """A cursor that counts the statements sent through it."""

    def __init__(self, inner: Cursor) -> None:
        self.inner = inner
        self.statements = 0

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        self.statements += 1
        return self.inner.execute(statement, params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> Any:
        self.statements += 1
        return self.inner.executemany(statement, rows)

    def fetchall(self) -> list[Any]:
        return self.inner.fetchall()

    def fetchone(self) -> Any:
        return self.inner.fetchone()


@dataclass(eq=False)
class GraphContext(BaseContext):
    safeguarding: Safeguarding
    principal: Principal | None
    request_id: str
    readers: Readers
    after_position: int | None = None  # the X-After-Position header
    # reads the caller's key (blocking): called by ``identify`` in the operation's thread
    identify_with: Callable[[], Principal] | None = None
    access_log: AccessLog | None = None
    _stack: ExitStack = field(default_factory=ExitStack)
    _cursor: CountingCursor | None = None
    _projector: Projector | None = None
    _waited: int = -1
    _loaded: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _access: dict[tuple[str, str], tuple[str, str, set[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        BaseContext.__init__(self)  # the request and response strawberry sets

    # --- who asks --------------------------------------------------------------------

    def identify(self) -> None:
        """Read the caller's key, if the request sent one (``HTTPException`` 401 when it
        names nobody); run in the operation's worker thread, before the operation."""
        if self.identify_with is not None:
            self.principal, self.identify_with = self.identify_with(), None

    def caller(self) -> Principal:
        if self.principal is None:
            raise NotAuthenticatedError("send Authorization: Bearer <api key>")
        return self.principal

    def reader(self) -> Principal:
        """The caller, if its role reads the read models."""
        p = self.caller()
        if p.role not in READERS:
            raise NotPermittedError(f"the {p.role.value} role does not read the read models")
        return p

    def partnerships(self, asked: str | None) -> list[str]:
        """The partnerships a read covers: the one asked (if the caller may read it) or all
        of the caller's."""
        p = self.reader()
        if asked is None:
            return list(p.partnerships)
        if not p.may_see(asked):
            raise NotPermittedError(f"not a reader of partnership {asked!r}")
        return [asked]

    # --- the read models ---------------------------------------------------------------

    @property
    def projector(self) -> Projector:
        if self._projector is None:
            self._projector = self.readers.get()
        return self._projector

    def cursor(self, after: int | None = None) -> CountingCursor:
        """The request's read transaction, once the read models have reached ``after``
        (or the request's X-After-Position)."""
        wanted = max(after or 0, self.after_position or 0)
        if wanted > self._waited:
            if not self.projector.wait(wanted, READ_WAIT_SECONDS):
                raise ReadModelBehindError(
                    f"the read models have not reached position {wanted} yet; retry shortly"
                )
            self._waited = wanted
        if self._cursor is None:
            inner = self._stack.enter_context(self.projector.store.transaction())
            self._cursor = CountingCursor(inner)
        return self._cursor

    @property
    def statements(self) -> int:
        return self._cursor.statements if self._cursor is not None else 0

    def model(self, kind: type[M]) -> M:
        return next(m for m in self.projector.models if isinstance(m, kind))

    @property
    def tracker_model(self) -> CaseTracker:
        return self.model(CaseTracker)

    @property
    def deadlines_model(self) -> Deadlines:
        return self.model(Deadlines)

    @property
    def reviews_model(self) -> Reviews:
        return self.model(Reviews)

    def today(self) -> date:
        return self.safeguarding.today()

    def batch(
        self, name: str, keys: Sequence[str], load: Callable[[Sequence[str]], dict[str, Any]]
    ) -> dict[str, Any]:
        """Load ``name`` for every key of a page at once, the first time one is asked for:
        a page of N nodes costs one statement per nested field, not N (no N+1)."""
        group = (name, ",".join(keys))
        found = self._loaded.get(group)
        if found is None:
            found = self._loaded[group] = load(keys)
        return found

    # --- personal data -------------------------------------------------------------------

    def record_access(
        self, *, partnership: str, case_id: str, reference: str, fields: Sequence[str], op: str
    ) -> None:
        """Note a read of ``fields`` of a case's personal data (written before answering:
        one entry per case and operation, however many of its events were read)."""
        slot = (case_id, op)
        noted = self._access.get(slot)
        if noted is None:
            self._access[slot] = noted = (partnership, reference, set())
        if len(fields) == 1:  # one field at a time, for each of a page's events
            noted[2].add(fields[0])
        else:
            noted[2].update(fields)

    def write_access_log(self) -> None:
        if self._access and self.access_log is not None:
            p, at = self.caller(), self.safeguarding.clock()
            self.access_log.append(
                [
                    entry(
                        p,
                        at=at,
                        partnership=partnership,
                        case_id=case_id,
                        reference=reference,
                        fields=sorted(fields),
                        request_id=self.request_id,
                        operation=op,
                    )
                    for (case_id, op), (partnership, reference, fields) in self._access.items()
                ]
            )
        self._access.clear()

    def close(self) -> None:
        self._cursor = None
        self._stack.close()


class NotAuthenticatedError(Exception):
    code = "unauthenticated"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
