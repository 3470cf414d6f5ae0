"""The verifiable log on GraphQL: a scrutineer reads the latest signed checkpoint, proves a
case's events are included in it, and verifies the stored log against a checkpoint kept
off the database (with its own copy of the public key); a changed event is reported at its
position. Other roles are refused."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest

from application.ledger.checkpoints import Checkpoints
from application.ledger.leaves import EVENT, LogTables, events_of_stream
from application.ledger.notes import Signer
from application.ledger.signing import load_signer
from application.service import Safeguarding
from application.settings import Settings
from tests.e2e.graphql.helpers import walked
from tests.support import tamper
from tests.support.clock import FakeClock
from tests.support.graph import Graph, graph_server


@pytest.fixture
def graph(
    make_settings: Callable[..., Settings], clock: FakeClock, tmp_path: Path
) -> Iterator[Graph]:
    """The GraphQL server, its signing key and known public keys in this test's folder."""
    settings = make_settings(
        api_key_cache_seconds=0,
        projector_in_process=False,
        checkpoint_key_file=tmp_path / "signing.key",
        checkpoint_public_keys_file=tmp_path / "public-keys.txt",
    )
    tracker = Safeguarding(settings, clock=clock)
    with graph_server(settings, tracker) as g:
        yield g
    tracker.close()


LATEST = "{ latestCheckpoint { origin treeSize rootHash time note } }"
INCLUSION = """query($id: ID!) { caseInclusion(caseId: $id) { caseId ok
  checkpoint { treeSize rootHash }
  events { version position leafHash auditPath covered included } } }"""
VERIFY = """query($note: String!, $key: String) { verifyLog(checkpoint: $note, publicKey: $key) {
  ok treeSize rootHash firstAffectedPosition pendingEvents pendingAccessEntries
  checkpoints { treeSize consistent given problem firstAffectedPosition proofHashes }
  findings { position kind } } }"""


def test_a_scrutineer_proves_a_cases_events_included_and_the_log_consistent(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    signer = Signer.generate(graph.settings.log_origin)
    made = Checkpoints(graph.tracker).make(signer)
    key = str(signer.verifier)

    verdict = graph.query("scrutineer", VERIFY, note=made.note, key=key)["verifyLog"]
    assert verdict["ok"] is True
    assert verdict["treeSize"] == made.size
    assert verdict["checkpoints"][0]["consistent"] is True
    assert verdict["firstAffectedPosition"] is None

    proofs = graph.query("scrutineer", INCLUSION, id=case_id)["caseInclusion"]
    # signed by a key the server does not know: nothing is proven against it
    assert proofs["checkpoint"] is None
    assert not any(e["covered"] for e in proofs["events"])

    stream = UUID(case_id)
    tables = LogTables(graph.tracker)
    row = events_of_stream(tables, stream)[6]
    position = tables.positions_of(EVENT, [row.id])[row.id]
    tamper.flip_byte(graph.tracker, stream, 7)
    broken = graph.query("scrutineer", VERIFY, note=made.note, key=key)["verifyLog"]
    assert broken["ok"] is False
    assert broken["firstAffectedPosition"] == position
    assert {"position": position, "kind": "altered"} in broken["findings"]


def test_inclusion_proofs_are_logarithmic_and_fail_for_a_changed_event(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    signer = load_signer(graph.settings, announce=None)  # the deployment's own key
    made = Checkpoints(graph.tracker).make(signer)

    latest = graph.query("staff", LATEST)["latestCheckpoint"]
    assert latest["treeSize"] == made.size
    assert latest["note"] == made.note

    proofs = graph.query("scrutineer", INCLUSION, id=case_id)["caseInclusion"]
    assert proofs["ok"] is True
    assert proofs["checkpoint"]["treeSize"] == made.size
    events = proofs["events"]
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert all(e["covered"] and e["included"] for e in events)
    assert all(len(e["auditPath"]) <= math.ceil(math.log2(made.size)) for e in events)

    tamper.flip_byte(graph.tracker, UUID(case_id), 3)
    after = graph.query("scrutineer", INCLUSION, id=case_id)["caseInclusion"]
    assert after["ok"] is False
    assert [e["included"] for e in after["events"]].count(False) == 1
    assert not after["events"][2]["included"]


def test_only_scrutineers_verify_the_log_and_analysts_read_no_proofs(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    signer = Signer.generate(graph.settings.log_origin)
    made = Checkpoints(graph.tracker).make(signer)
    for who in ("staff", "analyst"):
        [error] = graph.errors(who, VERIFY, note=made.note, key=str(signer.verifier))
        assert error["extensions"]["code"] == "forbidden"
    [error] = graph.errors("analyst", INCLUSION, id=case_id)
    assert error["extensions"]["code"] == "forbidden"
    [error] = graph.errors("scrutineer", VERIFY, note="not a note", key=str(signer.verifier))
    assert error["extensions"]["code"] == "bad_argument"
