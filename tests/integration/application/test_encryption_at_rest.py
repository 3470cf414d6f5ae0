"""Case data is encrypted at rest by default, on SQLite and PostgreSQL: the first run makes
the key (a file under var/, mode 0600), later runs read it, and a store written without a
key keeps loading without one."""

from __future__ import annotations

import stat
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from application import atrest
from application.service import Safeguarding
from application.settings import Settings
from tests.support.clock import FakeClock
from tests.support.people import CHILD_NAME
from tests.support.scenario import refer
from tests.support.tamper import stored_state


def _readable(state: bytes) -> bytes:
    """What an insider gets from the stored bytes without the key."""
    try:
        return zlib.decompress(state)
    except zlib.error:
        return state


def test_the_first_run_makes_the_key_and_the_child_is_not_one_decompress_away(
    store: dict[str, Any],
    make_settings: Callable[..., Settings],
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key_file: Path = store["encryption_key_file"]
    assert not key_file.exists()
    app = Safeguarding(make_settings(), clock=clock)
    assert "First run: made the key that encrypts case data at rest" in capsys.readouterr().err
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert app.mapper.cipher is not None
    case_id = refer(app, clock)
    state = stored_state(app, case_id, 1)
    assert CHILD_NAME.encode() not in _readable(state)
    app.close()

    atrest._resolved.clear()  # as a new process would: the key is read from the file
    again = Safeguarding(make_settings(), clock=clock)
    assert "First run" not in capsys.readouterr().err
    assert again.repository.get(case_id).child.name == CHILD_NAME
    again.close()


def test_a_store_written_without_a_key_keeps_loading_without_one(
    store: dict[str, Any],
    make_settings: Callable[..., Settings],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as m:  # an earlier release: no key, zlib only
        m.setattr(atrest, "encryption_key", lambda settings: "")
        old = Safeguarding(make_settings(), clock=clock)
        case_id = refer(old, clock)
        old.close()
    atrest._resolved.clear()

    app = Safeguarding(make_settings(), clock=clock)
    assert app.mapper.cipher is None
    assert not store["encryption_key_file"].exists()  # no key made for a store that has events
    assert app.repository.get(case_id).child.name == CHILD_NAME
    app.close()


def test_a_given_key_wins_and_no_file_is_made(
    store: dict[str, Any], make_settings: Callable[..., Settings]
) -> None:
    from tests.conftest import TEST_KEY

    app = Safeguarding(make_settings(encryption_key=TEST_KEY))
    assert app.mapper.cipher is not None
    assert not store["encryption_key_file"].exists()
    app.close()
