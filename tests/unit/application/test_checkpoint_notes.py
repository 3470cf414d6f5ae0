"""Checkpoints are C2SP signed notes: the Go note package's published example signs and
opens byte for byte, a checkpoint round-trips, and altered or unknown-key notes are refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application.ledger.notes import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    open_note,
    read_checkpoint,
    read_checkpoints,
)

# golang.org/x/mod/sumdb/note's documented example (its note_test.go)
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2"
    "pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_reproduces_the_go_note_packages_example_byte_for_byte() -> None:
    signer = Signer.parse(GO_SIGNER)
    assert str(signer.verifier) == GO_VERIFIER
    assert str(signer) == GO_SIGNER
    assert signer.sign(GO_TEXT) == GO_NOTE


def test_the_go_example_opens_with_its_verifier_key_and_not_when_altered() -> None:
    verifier = Verifier.parse(GO_VERIFIER)
    assert open_note(GO_NOTE, [verifier]) == (GO_TEXT, verifier)
    with pytest.raises(NoteError, match="does not verify"):
        open_note(GO_NOTE.replace("cryptography", "cryptographY"), [verifier])
    other = Signer.generate("PeterNeumann").verifier
    with pytest.raises(NoteError, match="no known key"):
        open_note(GO_NOTE, [other])  # same name, another key: ignored, so nothing verifies


def test_a_checkpoint_round_trips_through_its_note() -> None:
    signer = Signer.generate("tracker.example/log")
    at = datetime(2026, 12, 23, 9, 30, tzinfo=UTC)
    checkpoint = Checkpoint("tracker.example/log", 1234, bytes(range(32)), at)
    note = signer.sign(checkpoint.text())
    assert note.splitlines()[:4] == [
        "tracker.example/log",
        "1234",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "time 2026-12-23T09:30:00Z",
    ]
    read = read_checkpoint(note, [signer.verifier])
    assert read.checkpoint == checkpoint
    # a file of several kept notes reads as several checkpoints
    assert len(read_checkpoints(note + "\n" + note, [signer.verifier])) == 2


def test_a_checkpoint_with_a_changed_size_or_root_is_refused() -> None:
    signer = Signer.generate("tracker.example/log")
    at = datetime(2026, 12, 23, 9, 30, tzinfo=UTC)
    note = signer.sign(Checkpoint("tracker.example/log", 1234, bytes(32), at).text())
    with pytest.raises(NoteError):
        read_checkpoint(note.replace("\n1234\n", "\n1233\n"), [signer.verifier])
    with pytest.raises(NoteError):
        Verifier.parse(str(signer.verifier).replace("+", "-", 1))


def test_a_rotated_key_still_opens_checkpoints_of_the_old_one() -> None:
    old, new = Signer.generate("tracker.example/log"), Signer.generate("tracker.example/log")
    at = datetime(2026, 12, 23, 9, 30, tzinfo=UTC)
    old_note = old.sign(Checkpoint("tracker.example/log", 10, bytes(32), at).text())
    new_note = new.sign(Checkpoint("tracker.example/log", 20, bytes(32), at).text())
    known = [old.verifier, new.verifier]
    assert read_checkpoint(old_note, known).key.id == old.verifier.id
    assert read_checkpoint(new_note, known).key.id == new.verifier.id
    with pytest.raises(NoteError):
        read_checkpoint(old_note, [new.verifier])
