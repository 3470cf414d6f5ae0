"""Settings and the partnerships file: safe defaults, refused unsafe production."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from application.config import ConfigurationError, load_partnerships, parse_partnerships
from application.settings import Settings
from tests.conftest import TEST_KEY


def test_the_default_is_the_embedded_sqlite_store_with_nothing_to_install(tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "encryption-key.txt"
    settings = Settings(
        _env_file=None, sqlite_path=tmp_path / "t.sqlite", encryption_key_file=key_file
    )
    env = settings.eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(tmp_path / "t.sqlite")
    # encrypted at rest by default: the first run made the key
    assert env["CIPHER_TOPIC"] == "eventsourcing.cryptography:AESCipher"
    assert env["CIPHER_KEY"] == key_file.read_text().strip()


def test_settings_are_read_from_tracker_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRACKER_DATABASE", "postgres")
    monkeypatch.setenv("TRACKER_POSTGRES_DBNAME", "partnerships")
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEY", TEST_KEY)
    env = Settings(_env_file=None).eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert env["POSTGRES_DBNAME"] == "partnerships"
    assert env["CIPHER_TOPIC"] == "eventsourcing.cryptography:AESCipher"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"database": "postgres", "postgres_password": "pw"}, "requires TRACKER_ENCRYPTION_KEY"),
        (
            {"database": "postgres", "encryption_key": TEST_KEY},
            "requires TRACKER_POSTGRES_PASSWORD",
        ),
        ({"encryption_key": TEST_KEY, "postgres_password": "pw"}, "runs on PostgreSQL"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(
    values: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None, env="production", **values)  # type: ignore[arg-type]


def test_a_malformed_encryption_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="16, 24 or 32 bytes"):
        Settings(_env_file=None, encryption_key="c2hvcnQ=")


def test_the_shipped_partnerships_are_the_four_of_the_seeds() -> None:
    partnerships = load_partnerships(Settings(_env_file=None).partnerships_file)
    assert sorted(p.code for p in partnerships) == ["BEX", "BHR", "HIL", "LEW"]
    assert partnerships.get("BHR").local_authorities == (
        "Barking and Dagenham",
        "Havering",
        "Redbridge",
    )
    hil = partnerships.timescales("HIL")
    assert (hil.rapid_review_meeting_window_opens, hil.rapid_review_meeting) == (12, 13)
    bex = partnerships.timescales("BEX")
    assert bex.learning_group_every_weeks == 6
    assert bex.learning_group_first_meeting == date(2026, 1, 15)
    assert partnerships.timescales("LEW").rapid_review_meeting == 11


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "no \\[partnerships.CODE\\] tables"),
        ({"partnerships": {"X1": {"local_authorities": []}}}, "at least one"),
        (
            {"partnerships": {"XX": {"local_authorities": ["A"], "timescales": {"speed": 1}}}},
            "unknown timescale 'speed'",
        ),
        (
            {
                "partnerships": {
                    "XX": {"local_authorities": ["A"], "timescales": {"rapid_review_meeting": -1}}
                }
            },
            "whole number",
        ),
        ({"partnerships": {"bad": {"local_authorities": ["A"]}}}, "upper-case"),
    ],
)
def test_a_malformed_partnerships_file_is_refused_clearly(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_partnerships(data)


def test_agency_contacts_are_read_per_partnership_and_matched_by_agency_name() -> None:
    partnerships = parse_partnerships(
        {
            "partnerships": {
                "XX": {
                    "local_authorities": ["A"],
                    "contacts": ["board@example.org", "board@example.org"],
                    "agency_contacts": {
                        "Metropolitan Police": ["police-lead@example.org"],
                        "SLaM NHS Trust": ["trust@example.org", "named-nurse@example.org"],
                    },
                }
            }
        }
    )
    xx = partnerships.get("XX")
    assert xx.contacts == ("board@example.org",)  # a repeated address is one recipient
    assert xx.contacts_of_agency("Metropolitan Police") == ("police-lead@example.org",)
    assert xx.contacts_of_agency(" metropolitan police ") == ("police-lead@example.org",)
    assert xx.contacts_of_agency("SLaM NHS Trust") == (
        "trust@example.org",
        "named-nurse@example.org",
    )
    assert xx.contacts_of_agency("Health visiting") == ()
    assert xx.contacts_of_agency("") == ()


def test_the_shipped_file_names_no_agency_contacts_yet() -> None:
    # the examples in config/partnerships.toml are comments, with invented addresses
    partnerships = load_partnerships(Settings(_env_file=None).partnerships_file)
    assert all(p.agency_contacts == {} for p in partnerships)
    assert partnerships.get("BEX").contacts == ()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"contacts": "board@example.org"}, "contacts must be a list of e-mail addresses"),
        ({"contacts": ["not an address"]}, "'not an address' is not an e-mail address"),
        ({"contacts": ["a@b.org, c@d.org"]}, "is not an e-mail address"),
        ({"contacts": ["Board <board@example.org>"]}, "is not an e-mail address"),
        ({"agency_contacts": ["police@example.org"]}, "agency_contacts must be a table"),
        ({"agency_contacts": {"Police": "police@example.org"}}, "list of e-mail addresses"),
        ({"agency_contacts": {"Police": ["police"]}}, "'police' is not an e-mail address"),
        ({"agency_contacts": {" ": ["p@example.org"]}}, "empty agency"),
        (
            {"agency_contacts": {"Police": ["p@example.org"], "police": ["q@example.org"]}},
            "names 'police' twice",
        ),
    ],
)
def test_malformed_contacts_are_refused_clearly(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_partnerships({"partnerships": {"XX": {"local_authorities": ["A"], **entry}}})


def _one(extra: str) -> str:
    return '[partnerships.LEW]\nname = "Lewisham"\nlocal_authorities = ["Lewisham"]\n' + extra


def test_a_setting_the_partnerships_file_does_not_know_is_refused_not_ignored(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(_one("closure = [2026-12-29]\n"))  # a typo of "closures"
    with pytest.raises(ConfigurationError, match="LEW: unknown setting 'closure'"):
        load_partnerships(path)


def test_closure_days_and_start_facts_are_read_per_partnership(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        _one(
            "closures = [2026-12-31, 2026-12-29]\n[partnerships.LEW.timescales]\n"
            'rapid_review_submission_from = "aware"\nscoping_returned_from = "notification"\n'
            "scoping_returned = 9\nscoping_returned_window_opens = 3\n"
            "forum_every_weeks = 13\nforum_first_meeting = 2026-01-14\n"
        )
    )
    lew = load_partnerships(path).get("LEW")
    assert lew.closures == (date(2026, 12, 29), date(2026, 12, 31))
    t = lew.timescales
    assert (t.rapid_review_submission_from.value, t.scoping_returned_from.value) == (
        "aware",
        "notification",
    )
    assert (t.scoping_returned, t.scoping_returned_window_opens) == (9, 3)
    assert t.next_forum_meeting(date(2026, 1, 14), None) == date(2026, 4, 15)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[partnerships.LEW.timescales]\nrapid_review_meeting_from = "aware"\n', "must be one of"),
        ('closures = ["tomorrow"]\n', "closures must be a list of dates"),
        ("[partnerships.LEW.timescales]\nforum_meetings = [3]\n", "must be a list of dates"),
    ],
)
def test_a_malformed_closure_or_start_fact_is_refused(
    tmp_path: Path, extra: str, message: str
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(_one(extra))
    with pytest.raises(ConfigurationError, match=message):
        load_partnerships(path)


def test_notification_rules_and_their_recipients_are_read_per_partnership(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        _one(
            "[partnerships.LEW.recipients]\n"
            'local_authority = ["la@example.org"]\n'
            'scrutineer = ["scrutineer@example.org"]\n'
            "[partnerships.LEW.notifications]\n"
            'case.dissent_shared = ["lead_representatives", "scrutineer"]\n'
            "case.partners_alerted = []\n"
        )
    )
    lew = load_partnerships(path).get("LEW")
    assert lew.recipients == {
        "local_authority": ("la@example.org",),
        "scrutineer": ("scrutineer@example.org",),
    }
    assert lew.rule("case.dissent_shared") == ("lead_representatives", "scrutineer")
    assert lew.rule("case.partners_alerted") == ()  # switched off
    assert lew.rule("case.scoping_requested") == ("agency",)  # the default
    assert lew.rule("case.rapid_review_submitted") == ()  # no e-mail by default


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[partnerships.LEW.recipients]\nchair = ["c@example.org"]\n', "unknown recipients role"),
        ('[partnerships.LEW.recipients]\nicb = ["icb"]\n', "'icb' is not an e-mail address"),
        (
            '[partnerships.LEW.notifications]\ncase.scoping_sent = ["agency"]\n',
            "unknown event type 'case.scoping_sent'",
        ),
        (
            '[partnerships.LEW.notifications]\ncase.dissent_shared = ["everyone"]\n',
            "must list audiences",
        ),
    ],
)
def test_a_malformed_notification_setting_is_refused(
    tmp_path: Path, extra: str, message: str
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(_one(extra))
    with pytest.raises(ConfigurationError, match=message):
        load_partnerships(path)
