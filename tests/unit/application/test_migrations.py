"""The migrations' scripts: one line of revisions, the newest named by ``HEAD``."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from application import migrations


def scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(migrations.SCRIPTS))
    return ScriptDirectory.from_config(config)


def test_head_names_the_newest_revision_and_there_is_one_line_of_them() -> None:
    directory = scripts()
    assert directory.get_heads() == [migrations.HEAD]  # no branches: one newest revision
    assert migrations.revisions() == ["0001", "0002"]
    for script in directory.walk_revisions():
        # each file is named for its revision, so the order shows in the folder
        assert Path(script.path).name.startswith(script.revision + "_"), script.path


def test_every_revision_says_what_it_does() -> None:
    for script in scripts().walk_revisions():
        assert script.doc, script.revision
        assert script.doc.strip(), script.revision
