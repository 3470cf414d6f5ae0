"""Screenshots of the main pages for the README (``docs/screenshots/*.png``), taken in
headless Chromium (Debian's, as the browser tests use) from a throwaway store of generated
cases on a fixed day, so the same code gives the same pictures:

    .venv/bin/python -m entrypoints.screenshots [--out docs/screenshots] [--chromium PATH]

A development tool: it needs Playwright (the dev extras) and no network.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import uvicorn

from application.generate import generate
from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from domain.base import LONDON
from entrypoints import bootstrap

DAY = datetime(2027, 3, 3, 10, 0, tzinfo=LONDON)
# (file, who, path: {case} is the first case the Panel has answered)
SHOTS = (
    ("sign-in.png", None, "/sign-in"),
    ("tracker.png", "staff", "/"),
    ("case.png", "staff", "/cases/{case}"),
    ("deadlines.png", "staff", "/deadlines"),
    ("reviews.png", "staff", "/reviews"),
    ("actions.png", "staff", "/actions"),
    ("statistics.png", "staff", "/statistics"),
    ("replay.png", "scrutineer", "/cases/{case}/as-at?version=4"),
    ("access-log.png", "scrutineer", "/access-log"),
    ("case-analyst.png", "analyst", "/cases/{case}"),
    ("docs.png", None, "/docs"),
    ("graphiql.png", None, "/graphql"),
)
ROLES = {
    "staff": ("partnership", "Lewisham Safeguarding Partnership"),
    "scrutineer": ("scrutineer", "Independent scrutineer"),
    "analyst": ("analyst", ""),
}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def take(out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright  # a dev dependency

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            sqlite_path=Path(folder) / "tracker.sqlite",
            projector_in_process=True,
            scheduler_in_api=False,
        )
        app = Safeguarding(settings, clock=lambda: DAY)
        generate(app, 120, seed=16, years=1)
        keys = {
            who: issue_key(
                app, principal_id=f"{who}-lew", role=role, agency=agency, partnerships=["LEW"]
            )[0]
            for who, (role, agency) in ROLES.items()
        }
        port = _port()
        server = uvicorn.Server(
            uvicorn.Config(bootstrap.web_app(settings, app=app), port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        taken: list[Path] = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                pages = {}
                for who in (None, *ROLES):
                    context = browser.new_context(viewport={"width": 1100, "height": 900})
                    page = context.new_page()
                    if who is not None:
                        page.goto(f"{base}/sign-in")
                        page.fill("#key", keys[who])
                        with page.expect_navigation():
                            page.click("button[type=submit]")
                    pages[who] = page
                time.sleep(1)  # the projector thread catches up with the generated log
                first = pages["staff"]
                first.goto(f"{base}/?stage=panel_responded")
                case = str(first.get_attribute("#cases tbody tr a", "href")).rsplit("/", 1)[1]
                for name, who, path in SHOTS:
                    page = pages[who]
                    page.goto(base + path.format(case=case))
                    if path == "/graphql":
                        page.wait_for_selector(".graphiql-editors")
                    if path == "/docs":
                        page.wait_for_selector(".swagger-ui .info")
                    page.wait_for_load_state("networkidle")
                    target = out / name
                    page.screenshot(path=str(target), full_page=path not in ("/graphql", "/docs"))
                    taken.append(target)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            app.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    for path in take(args.out, args.chromium):
        print(path)


if __name__ == "__main__":
    main()
