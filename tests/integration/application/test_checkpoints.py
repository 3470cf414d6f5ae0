"""Checkpoints: the first covers everything stored, each next one extends the last signed
tree (also after the signing key is rotated), and the log refuses to sign a tree that no
longer extends the checkpoint it signed before."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from application.ledger.checkpoints import Checkpoints, LogInconsistentError
from application.ledger.notes import Signer, read_checkpoint
from application.ledger.verify import verify_log
from application.service import Safeguarding
from tests.support.clock import FakeClock
from tests.support.scenario import decide_met, refer
from tests.support.tamper import without_append_only_triggers


def test_a_rotated_key_extends_the_tree_the_old_key_signed(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    app = make_tracker()
    decide_met(app, clock, refer(app, clock))
    old, new = Signer.generate(app.settings.log_origin), Signer.generate(app.settings.log_origin)
    checkpoints = Checkpoints(app)
    first = checkpoints.make(old)
    decide_met(app, clock, refer(app, clock))
    with pytest.raises(LogInconsistentError, match="cannot be checked"):
        checkpoints.make(new)  # the old key is not known: the last checkpoint is unchecked
    second = checkpoints.make(new, [old.verifier])
    assert second.size > first.size

    keys = [old.verifier, new.verifier]
    kept = [read_checkpoint(c.note, keys).checkpoint for c in (first, second)]
    verdict = verify_log(app, kept, keys)
    assert verdict.ok
    assert [r.ok for r in verdict.checkpoints if r.given] == [True, True]


def test_the_log_refuses_to_sign_when_its_stored_frontier_was_altered(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    app = make_tracker()
    decide_met(app, clock, refer(app, clock))
    signer = Signer.generate(app.settings.log_origin)
    checkpoints = Checkpoints(app)
    checkpoints.make(signer)
    without_append_only_triggers(
        app, "log_checkpoints", "UPDATE {s}.log_checkpoints SET frontier = %s", (b"\x00" * 64,)
    )
    with pytest.raises(LogInconsistentError, match="nothing signed"):
        checkpoints.make(signer)
    assert len(checkpoints.all()) == 1
