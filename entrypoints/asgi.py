"""The ASGI factory: ``uvicorn --factory entrypoints.asgi:create_app`` (what ``tracker
serve`` runs in each server process) makes the web app from the environment's settings."""

from __future__ import annotations

from fastapi import FastAPI

from application import logs
from application.settings import Settings
from entrypoints import bootstrap


def create_app() -> FastAPI:
    logs.capture_uncaught()  # uvicorn's log config in each worker does not reach these
    return bootstrap.web_app(Settings())
