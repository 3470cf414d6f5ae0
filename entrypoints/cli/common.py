"""What every ``tracker`` command starts from: the settings (``--sqlite PATH`` is a
shortcut for the embedded store) and the write side built on them by the composition root."""

from __future__ import annotations

import argparse
from pathlib import Path

from application.service import Safeguarding
from application.settings import Settings
from entrypoints import bootstrap


def settings_of(args: argparse.Namespace) -> Settings:
    """The environment's settings, or the SQLite file ``--sqlite`` names."""
    if getattr(args, "sqlite", None):
        return Settings(database="sqlite", sqlite_path=Path(args.sqlite))
    return Settings()


def safeguarding_of(args: argparse.Namespace) -> Safeguarding:
    return bootstrap.safeguarding(settings_of(args))
