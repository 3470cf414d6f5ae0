"""Events written by the release before the reorganisation still load, fold and verify.

``tests/fixtures/previous_release/store.sqlite`` was written by commit ebb3fa7 (the script
beside it says how); ``manifest.json`` is what that release read back from it. Its stored
rows are copied, byte for byte, into this test's store (SQLite or PostgreSQL), and today's
code must read back the same: every stream's type, version, chain head, reference, stage
and clock notices; an intact hash chain; read models built from them; and a new act
appended to an old stream continues its chain.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from application.integrity import verify_all, verify_stream
from application.ledger.checkpoints import Checkpoints
from application.ledger.notes import Signer, read_checkpoint
from application.ledger.verify import verify_log
from application.service import Safeguarding
from domain.base import AuditedAggregate
from domain.case import Case
from domain.review import Review
from domain.values import Audit, Role
from projections import read_models
from projections.engine import Projector
from projections.store import ReadStore
from tests.conftest import TEST_KEY
from tests.support.clock import FakeClock
from tests.support.tamper import flip_byte
from tests.unit.domain.test_event_topics import ADDED, RELEASED

FIXTURE = Path(__file__).parents[2] / "fixtures" / "previous_release"
MANIFEST: dict[str, Any] = json.loads((FIXTURE / "manifest.json").read_text())


def old_rows(tmp_path: Path, make_settings: Callable[..., Any]) -> list[StoredEvent]:
    """Every stored row of the fixture, in log order, as that release stored it."""
    copy = tmp_path / "previous.sqlite"
    shutil.copyfile(FIXTURE / "store.sqlite", copy)
    old = Safeguarding(make_settings(database="sqlite", sqlite_path=copy, encryption_key=TEST_KEY))
    rows: list[StoredEvent] = []
    start = 1
    while batch := old.recorder.select_notifications(start=start, limit=500):
        rows.extend(
            StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in batch
        )
        start = batch[-1].id + 1
    old.close()
    return rows


def loaded(
    tmp_path: Path, make_settings: Callable[..., Any], make_tracker: Callable[..., Safeguarding]
) -> Safeguarding:
    """This test's store (SQLite or PostgreSQL) holding exactly the fixture's rows."""
    rows = old_rows(tmp_path, make_settings)
    app = make_tracker(encryption_key=TEST_KEY)
    app.recorder.insert_events(rows)
    return app


def test_every_stream_of_the_previous_release_reads_back_as_it_did(
    tmp_path: Path, make_settings: Callable[..., Any], make_tracker: Callable[..., Safeguarding]
) -> None:
    app = loaded(tmp_path, make_settings, make_tracker)

    for stream, expected in MANIFEST["streams"].items():
        agg: Any = app.repository.get(UUID(stream))
        seen: dict[str, object] = {"type": type(agg).__qualname__, "version": agg.version}
        if isinstance(agg, AuditedAggregate):
            seen.update(
                reference=agg.reference,
                chain_head=agg.chain_head,
                notices=sorted(agg.clock_notices),
            )
        if isinstance(agg, Case):
            seen.update(stage=agg.stage, closed=agg.is_closed)
        if isinstance(agg, Review):
            seen.update(published_on=str(agg.published_on), actions=sorted(agg.actions))
        assert seen == expected, stream


def test_the_fixture_holds_every_event_type_there_is(
    tmp_path: Path, make_settings: Callable[..., Any], make_tracker: Callable[..., Safeguarding]
) -> None:
    """So a topic moved or renamed by a change fails the test above, not a user's store:
    every event type of the release that wrote the fixture is in it, and each is still an
    event of today's aggregates (events added since are pinned in test_event_topics.py)."""
    rows = old_rows(tmp_path, make_settings)
    stored = {row.topic for row in rows}
    today = set()
    for aggregate in (Case, Review):
        today |= {
            f"{v.__module__}:{v.__qualname__}"
            for v in vars(aggregate).values()
            if isinstance(v, type)
            and issubclass(v, AuditedAggregate.Event)
            and v.__name__ not in ("Event", "Created", "ClockNotice")
        }
    assert set(RELEASED) <= stored, sorted(set(RELEASED) - stored)
    assert set(RELEASED) <= today, sorted(set(RELEASED) - today)
    assert today == set(RELEASED) | set(ADDED)
    assert len(stored) == len(MANIFEST["topics"]) == 46


def test_the_previous_release_verifies_intact_and_its_chains_continue(
    tmp_path: Path,
    make_settings: Callable[..., Any],
    make_tracker: Callable[..., Safeguarding],
    clock: FakeClock,
) -> None:
    app = loaded(tmp_path, make_settings, make_tracker)
    reports = list(verify_all(app))
    assert len(reports) == MANIFEST["chained_streams"]
    assert all(r.ok for r in reports), [r for r in reports if not r.ok]

    # a new act on an old, open case continues that case's chain
    open_case = next(
        UUID(s)
        for s, e in MANIFEST["streams"].items()
        if e.get("type") == "Case" and e["stage"] == "referred"
    )
    case: Case = app.repository.get(open_case)
    clock.set_day(date(2027, 7, 2))
    case.alert_partners(
        audit=_staff_audit(clock), on=date(2027, 7, 2), recipients=["local_authority", "police"]
    )
    app.save(case)
    report = verify_stream(app, open_case)
    assert report.ok
    assert report.events_checked == MANIFEST["streams"][str(open_case)]["version"] + 1


def test_read_models_build_from_the_previous_release(
    tmp_path: Path, make_settings: Callable[..., Any], make_tracker: Callable[..., Safeguarding]
) -> None:
    app = loaded(tmp_path, make_settings, make_tracker)
    store = ReadStore(app.settings)
    projector = Projector(app, store, read_models(app))
    projector.setup()
    projector.catch_up()
    chained = sum(n for t, n in MANIFEST["topics"].items() if t.startswith("domain."))
    cases = sum(1 for e in MANIFEST["streams"].values() if e["type"] == "Case")
    with store.transaction() as c:
        c.execute("SELECT count(*) FROM rm_timeline")
        assert c.fetchone()[0] == chained
        c.execute("SELECT count(*) FROM rm_tracker")
        assert c.fetchone()[0] == cases
    store.close()


def _staff_audit(clock: FakeClock) -> Audit:
    return Audit(
        actor_id="staff-lew-1", role=Role.PARTNERSHIP.value, recorded_at=clock(), partnership="LEW"
    )


def test_the_first_checkpoint_covers_the_previous_releases_events_and_verifies(
    tmp_path: Path, make_settings: Callable[..., Any], make_tracker: Callable[..., Safeguarding]
) -> None:
    """A store that never had a checkpoint: the first one covers every event stored so far,
    and the stored rows verify against it (and a changed old row does not)."""
    app = loaded(tmp_path, make_settings, make_tracker)
    signer = Signer.generate(app.settings.log_origin)
    made = Checkpoints(app).make(signer)
    assert made.size == sum(MANIFEST["topics"].values())
    checkpoint = read_checkpoint(made.note, [signer.verifier]).checkpoint
    assert verify_log(app, [checkpoint], [signer.verifier]).ok

    stream = UUID(next(iter(MANIFEST["streams"])))
    flip_byte(app, stream, 1)
    assert not verify_log(app, [checkpoint], [signer.verifier]).ok
