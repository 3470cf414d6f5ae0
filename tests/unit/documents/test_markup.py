"""Templates: values are always text (their markup escaped, their line breaks kept), a
template cannot reach into Python, and the blocks read as the template says."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from documents.layout import LINE_BREAK, Heading, ListBlock, PageBreak, Paragraph, Run, Table
from documents.markup import Templates, blocks, escape, prepared


def render(tmp_path: Path, source: str, **fields: object) -> list[object]:
    (tmp_path / "t.md").write_text(source)
    return list(Templates(tmp_path).render("t.md", fields))


def test_a_value_s_markup_characters_stay_text(tmp_path: Path) -> None:
    found = render(tmp_path, "Name: **{{ name }}**\n", name="*Ann* | #1. <b>&amp;")
    assert found == [
        Paragraph((Run("Name: "), Run("*Ann* | #1. <b>&amp;", bold=True))),
    ]


def test_a_value_s_line_breaks_stay_breaks_in_a_table_cell(tmp_path: Path) -> None:
    (table,) = render(
        tmp_path, "| A | B |\n|---|---|\n| {{ a }} | {{ b }} |\n", a="1 Road\nLondon", b="x|y"
    )
    assert isinstance(table, Table)
    assert list(table.rows) == [((Run("1 Road"), Run(LINE_BREAK), Run("London")), (Run("x|y"),))]


def test_a_value_at_the_start_of_a_line_makes_no_heading_or_list(tmp_path: Path) -> None:
    found = render(tmp_path, "{{ a }}\n\n{{ b }}\n", a="# not a heading", b="1. not a list")
    assert found == [Paragraph((Run("# not a heading"),)), Paragraph((Run("1. not a list"),))]


def test_blocks_read_headings_lists_tables_and_page_breaks() -> None:
    found = blocks("# One\n\n## Two\n\n1. a\n2. b\n\n- c\n\n| H |\n|---|\n| v |\n\n---\n\nend\n")
    assert [type(b) for b in found] == [Heading, Heading, ListBlock, ListBlock, Table, PageBreak,
                                        Paragraph]  # fmt: skip
    numbered = found[2]
    assert isinstance(numbered, ListBlock)
    assert numbered.ordered
    assert numbered.items == ((Run("a"),), (Run("b"),))


def test_dates_and_yes_or_no_are_written_out(tmp_path: Path) -> None:
    from datetime import date

    found = render(
        tmp_path, "{{ on }} {{ yes }} {{ tick(yes) }}{{ tick(no) }}\n",
        on=date(2027, 1, 11), yes=True, no=False,
    )  # fmt: skip
    assert found == [Paragraph((Run("11 January 2027 Yes ☒☐"),))]


def test_a_template_cannot_reach_into_python(tmp_path: Path) -> None:
    with pytest.raises(SecurityError):
        render(tmp_path, "{{ name.__class__.__mro__[1].__subclasses__() }}\n", name="x")


def test_prepared_fields_escape_every_text_inside_mappings_and_lists() -> None:
    assert prepared({"a": ["*b*", {"c": "_d_"}], "n": 3, "none": None}) == {
        "a": [escape("*b*"), {"c": escape("_d_")}],
        "n": 3,
        "none": None,
    }


def test_the_built_in_templates_are_found_by_name() -> None:
    templates = Templates()
    for name in (
        "scoping_letter.md",
        "scoping_form.md",
        "rapid_review_report.md",
        "panel_letter.md",
        "tracker_report.md",
    ):
        assert templates.env.get_template(name) is not None
