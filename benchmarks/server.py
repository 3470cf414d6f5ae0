"""The API server the HTTP benchmarks load: ``uvicorn`` worker processes on a free port,
configured through the environment as a deployment would be."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def server_env(params: dict[str, str], dbname: str, pool: int, **extra: str) -> dict[str, str]:
    """This process's environment without TRACKER_*, plus the settings for ``dbname``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE="postgres",
        TRACKER_POSTGRES_HOST=params["host"],
        TRACKER_POSTGRES_PORT=params["port"],
        TRACKER_POSTGRES_USER=params["user"],
        TRACKER_POSTGRES_PASSWORD=params.get("password", ""),
        TRACKER_POSTGRES_DBNAME=dbname,
        TRACKER_POSTGRES_POOL_SIZE=str(pool),
        **extra,
    )
    return env


def start_server(env: dict[str, str], workers: int) -> tuple[str, subprocess.Popen[bytes]]:
    """Start the API and wait (up to 30 s) until it answers; its URL and process."""
    return start_uvicorn(
        ["--factory", "entrypoints.asgi:create_app"], env, workers, "/openapi.json", "the API"
    )


def start_uvicorn(
    app: list[str], env: dict[str, str], workers: int, probe: str, what: str
) -> tuple[str, subprocess.Popen[bytes]]:
    """Serve ``app`` (uvicorn's arguments naming it) on a free port with ``workers``
    processes and wait (up to 30 s) until ``probe`` answers below 500; its URL and process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", *app]
    command += ["--port", str(port), "--workers", str(workers)]
    command += ["--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}{probe}", timeout=1).status_code < 500:
                return url, server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"{what} server did not start")
