"""The ``tracker`` command (``tracker = "entrypoints.cli:main"``): ``main.py`` has the
parser; the commands are in ``data.py`` (generate, verify, summary, demo), ``keys.py``
(keys, keygen), ``config_check.py`` (config check) and ``services.py`` (serve, project,
rebuild, schedule). ``python -m entrypoints.cli`` runs it too."""

from entrypoints.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
