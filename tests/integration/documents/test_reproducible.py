"""The same version renders to the same bytes, whenever and by whichever process; an
instant renders the version recorded by then; a partnership's own templates replace the
built-in wording."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from application.config import load_partnerships
from application.service import Safeguarding
from documents.formats import Format
from documents.service import Kind
from entrypoints import bootstrap
from tests.integration.documents.conftest import ASKED, Seeded
from tests.support.clock import FakeClock
from tests.support.documents import flat, text_of
from tests.support.scenario import AGENCIES

KINDS = [
    (Kind.SCOPING_PACK, AGENCIES[2]),
    (Kind.RAPID_REVIEW_REPORT, None),
    (Kind.PANEL_LETTER, None),
]


@pytest.mark.parametrize("fmt", [Format.PDF, Format.DOCX])
def test_rendering_the_same_version_twice_gives_the_same_bytes(
    seeded: Seeded, fmt: Format, make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    version = seeded.last("RapidReviewReportApproved", partner="icb").originator_version
    first = {
        kind: seeded.documents.case_document(
            ASKED, seeded.case_id, kind, fmt, agency=agency, version=version
        ).content()
        for kind, agency in KINDS
    }
    clock.advance(days=40)  # later, in another process with its own connections
    other = make_tracker()
    again = bootstrap.documents(other)
    for kind, agency in KINDS:
        rendered = again.case_document(
            ASKED, seeded.case_id, kind, fmt, agency=agency, version=version
        )
        assert rendered.content() == first[kind], kind
        assert rendered.stamp is not None
        assert rendered.stamp.version == version
    # and the current version is another document
    current = seeded.documents.case_document(ASKED, seeded.case_id, Kind.RAPID_REVIEW_REPORT, fmt)
    assert current.content() != first[Kind.RAPID_REVIEW_REPORT]


def test_an_instant_renders_the_version_recorded_by_then(seeded: Seeded) -> None:
    meeting = seeded.last("RapidReviewMeetingHeld")
    at = meeting.timestamp + timedelta(minutes=1)
    by_instant = seeded.documents.case_document(
        ASKED, seeded.case_id, Kind.RAPID_REVIEW_REPORT, Format.PDF, at=at
    )
    by_version = seeded.documents.case_document(
        ASKED,
        seeded.case_id,
        Kind.RAPID_REVIEW_REPORT,
        Format.PDF,
        version=meeting.originator_version,
    )
    assert by_instant.content() == by_version.content()


def test_a_partnership_s_template_folder_replaces_the_built_in_wording(
    seeded: Seeded, tmp_path: Path
) -> None:
    folder = tmp_path / "lew-templates"
    folder.mkdir()
    (folder / "panel_letter.md").write_text(
        "Our own letter about **{{ reference }}**, concluded: "
        "{% if recommended.b_local_cspr %}a local review{% endif %}.\n"
    )
    app = seeded.app
    app.partnerships = dataclasses.replace(
        app.partnerships,
        by_code={
            **app.partnerships.by_code,
            "LEW": dataclasses.replace(app.partnerships.get("LEW"), templates=folder),
        },
    )
    documents = bootstrap.documents(app)
    text = flat(
        text_of(
            documents.case_document(ASKED, seeded.case_id, Kind.PANEL_LETTER, Format.PDF).content(),
            Format.PDF,
        )
    )
    assert "Our own letter about LEW-2026-0001, concluded: a local review." in text
    assert "Dear Edward Timpson" not in text
    # the other documents keep the built-in templates
    report = documents.case_document(ASKED, seeded.case_id, Kind.RAPID_REVIEW_REPORT, Format.PDF)
    assert "REPORT OF RAPID REVIEW" in text_of(report.content(), Format.PDF)


def test_a_template_folder_is_named_relative_to_the_partnerships_file(tmp_path: Path) -> None:
    (tmp_path / "ours").mkdir()
    config = tmp_path / "partnerships.toml"
    config.write_text(
        '[partnerships.LEW]\nname = "L"\nlocal_authorities = ["Lewisham"]\ntemplates = "ours"\n'
        "[partnerships.LEW.letterhead]\naddress = ['1 Road']\ntelephone = '020 7946 0000'\n"
        "[partnerships.LEW.signatories]\nscoping_letter = { name = 'A. Chair' }\n"
    )
    found = load_partnerships(config).get("LEW")
    assert found.templates == tmp_path / "ours"
    assert found.letterhead.address == ("1 Road",)
    assert found.signatories["scoping_letter"].name == "A. Chair"
    assert found.signatories["panel_letter"].title == "Strategic Safeguarding Partnership Lead"
