"""Reads over the read models: the tracker, the deadlines, and how far behind they are.

Every read takes ``after`` (or the ``X-After-Position`` header): the log position a command
returned. The read waits, up to ``READ_WAIT_SECONDS``, until every read model has reached
it, so a client sees its own write; if they have not, it answers 503 ``read_model_behind``
with ``Retry-After``.
"""

from typing import Annotated

from fastapi import APIRouter, Header, Query

from api.deps import AppDep, CurrentPrincipal
from api.readers import Readers, ReadersDep
from api.routes.commands import ERRORS
from application.context import Principal
from application.errors import NotPermittedError, ReadModelBehindError, refuse_small_counts
from domain.values import Role
from projections.deadlines import Deadline, Deadlines
from projections.engine import Projector
from projections.tracker import CaseTracker, TrackerRow

READ_WAIT_SECONDS = 5.0
READERS = frozenset({Role.PARTNERSHIP, Role.PARTNER, Role.SCRUTINEER, Role.ANALYST})

router = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["read models"])


def _partnership(principal: Principal, partnership: str | None) -> str:
    if principal.role not in READERS:
        raise NotPermittedError(f"the {principal.role.value} role does not read the read models")
    chosen = partnership or (principal.partnerships[0] if principal.partnerships else "")
    if not principal.may_see(chosen):
        raise NotPermittedError(f"not a reader of partnership {chosen!r}")
    return chosen


def _reader(
    principal: Principal, readers: Readers, partnership: str | None, after: int | None
) -> tuple[str, Projector]:
    """The partnership read and a projector whose models have reached ``after``."""
    chosen = _partnership(principal, partnership)
    projector = readers.get()
    if not projector.wait(after or 0, READ_WAIT_SECONDS):
        raise ReadModelBehindError(
            f"the read models have not reached position {after or 0} yet "
            "(or are not built yet); retry shortly"
        )
    return chosen, projector


After = Annotated[int | None, Query(ge=0, description="wait until the read models reach it")]
AfterHeader = Annotated[int | None, Header(alias="X-After-Position", ge=0)]


@router.get(
    "/tracker", operation_id="get_tracker", summary="The case tracker of a partnership, as of today"
)
def tracker(
    principal: CurrentPrincipal,
    app: AppDep,
    readers: ReadersDep,
    partnership: str | None = None,
    after: After = None,
    after_header: AfterHeader = None,
) -> list[TrackerRow]:
    chosen, projector = _reader(principal, readers, partnership, after or after_header)
    model = next(m for m in projector.models if isinstance(m, CaseTracker))
    with projector.store.transaction() as c:
        rows = model.query(c, app.today(), partnership=chosen)
    refuse_small_counts(principal.role is Role.ANALYST, len(rows))
    return rows


@router.get(
    "/deadlines",
    operation_id="list_deadlines",
    summary="Every clock of a partnership's cases, with today's status",
)
def deadlines(
    principal: CurrentPrincipal,
    app: AppDep,
    readers: ReadersDep,
    partnership: str | None = None,
    status: str | None = None,
    after: After = None,
    after_header: AfterHeader = None,
) -> list[Deadline]:
    chosen, projector = _reader(principal, readers, partnership, after or after_header)
    model = next(m for m in projector.models if isinstance(m, Deadlines))
    with projector.store.transaction() as c:
        rows = model.query(c, app.today(), app.calendar_of, partnership=chosen)
    chosen_rows = [d for d in rows if status is None or d.status == status]
    cases = len({d.stream_id for d in chosen_rows})
    refuse_small_counts(principal.role is Role.ANALYST, cases)
    return chosen_rows


@router.get(
    "/read-models",
    operation_id="get_read_model_positions",
    summary="Each read model's position in the log and its lag",
)
def positions(
    principal: CurrentPrincipal, app: AppDep, readers: ReadersDep
) -> dict[str, dict[str, int]]:
    _partnership(principal, None)
    projector = readers.get()
    end = app.recorder.max_notification_id() or 0
    return {
        name: {"position": position, "lag": end - position}
        for name, position in projector.positions().items()
    }
