"""Write the API's OpenAPI document: ``python -m entrypoints.openapi [FILE]`` (default
``openapi.json`` at the top of the project, the copy client generators are pointed at; a
test fails when it is stale). The app is built on a throwaway SQLite file: the document
depends on the code alone."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from application.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def current() -> dict[str, Any]:
    from entrypoints.bootstrap import web_app

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            env="test",
            database="sqlite",
            sqlite_path=Path(folder) / "openapi.sqlite",
            projector_in_process=False,
            scheduler_in_api=False,
            encrypt_at_rest=False,  # no key made for a store thrown away at once
        )
        app = web_app(settings)
        document: dict[str, Any] = app.openapi()
        return document


def text() -> str:
    return json.dumps(current(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "openapi.json"
    target.write_text(text())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
