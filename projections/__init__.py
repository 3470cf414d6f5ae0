"""Read models (DESIGN §7), each one module with its table(s), projection and queries."""

from __future__ import annotations

from application.service import Safeguarding
from projections.deadlines import Deadlines
from projections.engine import ReadModel
from projections.fold import Fold
from projections.reviews import Reviews
from projections.timeline import Timeline
from projections.tracker import CaseTracker


def read_models(app: Safeguarding, prefix: str = "rm_") -> list[ReadModel]:
    """Every read model, with its tables named ``<prefix><model>``; those that need each
    case's state share one fold of the log."""
    fold = Fold(app)
    return [
        Timeline(prefix),
        CaseTracker(app, prefix, fold),
        Deadlines(app, prefix, fold),
        Reviews(app, prefix, fold),
    ]
