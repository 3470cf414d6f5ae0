"""PostgreSQL helpers for the test suite.

Connection parameters come from the ``TEST_POSTGRES_*`` environment variables,
which ``scripts/test`` exports (pointing either at an already running server
or at a throwaway cluster started by ``scripts/pg-throwaway``).  When they are
unset the defaults match a local Debian server with trust authentication.

The dictionaries returned use libpq keyword names (``host``, ``port``,
``user``, ``password``, ``dbname``); turn one into a connection string with
``conninfo(params)`` (``psycopg.connect(conninfo(params))`` type-checks, whereas
``psycopg.connect(**params)`` works at runtime but is rejected by mypy).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from application.settings import Settings

_DEFAULTS: dict[str, str] = {
    "host": "127.0.0.1",
    "port": "5432",
    "user": "postgres",
    "password": "",
}

MAINTENANCE_DB = "postgres"
CONNECT_TIMEOUT_SECONDS = 10


def postgres_params() -> dict[str, str]:
    """Return host/port/user/password for the test server from the environment."""
    params: dict[str, str] = {}
    for key, default in _DEFAULTS.items():
        value = os.environ.get(f"TEST_POSTGRES_{key.upper()}")
        # An empty host/port/user means "not configured"; an empty password is valid.
        if value is None or (value == "" and key != "password"):
            value = default
        params[key] = value
    return params


def conninfo(params: Mapping[str, str]) -> str:
    """Return a libpq connection string for ``params`` (empty values are left out)."""
    return make_conninfo(**{key: value for key, value in params.items() if value})


def _maintenance_connection() -> psycopg.Connection[Any]:
    params = postgres_params()
    kwargs: dict[str, Any] = {
        "host": params["host"],
        "port": params["port"],
        "user": params["user"],
        "dbname": MAINTENANCE_DB,
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "autocommit": True,
    }
    if params["password"]:
        kwargs["password"] = params["password"]
    return psycopg.connect(**kwargs)


def drop_database(name: str) -> None:
    """Drop database ``name`` if it exists, terminating any open connections to it."""
    with _maintenance_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def create_database(name: str) -> dict[str, str]:
    """Create a fresh, empty database ``name`` (dropping any leftover one first).

    Returns the connection parameters for it: ``postgres_params()`` plus ``dbname``.
    """
    with _maintenance_connection() as conn:
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    return {**postgres_params(), "dbname": name}


def postgres_settings(params: Mapping[str, str], dbname: str, **overrides: Any) -> Settings:
    """Settings for the tracker on database ``dbname`` of the server ``params`` names."""
    return Settings(
        _env_file=None,
        database="postgres",
        postgres_host=params["host"],
        postgres_port=int(params["port"]),
        postgres_user=params["user"],
        postgres_password=params.get("password", ""),
        postgres_dbname=dbname,
        **overrides,
    )
