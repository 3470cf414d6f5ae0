"""A real HTTP server (uvicorn, in a thread of the test process) serving ``/graphql`` over
a real store, with a key for every role and a ``gql`` client per caller.

The server shares the test's Tracker (and so its fake clock); the read models are brought
up to date when the test says so (``project``), so each test knows what they contain.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport

from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from entrypoints import bootstrap
from projections.store import ReadStore
from tests.e2e.conftest import PRINCIPALS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Graph:
    url: str
    tracker: Safeguarding
    settings: Settings
    keys: dict[str, str]
    store: ReadStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = bootstrap.read_store(self.settings)
        self.projector = bootstrap.projector(self.tracker, self.store)
        self.projector.setup()

    def project(self) -> None:
        """Bring every read model up to the end of the log."""
        self.projector.catch_up()

    def project_later(self, delay: float) -> threading.Thread:
        """Bring the read models up to date ``delay`` seconds from now, from another thread
        (with its own connection), as a projector process would."""

        def run() -> None:
            time.sleep(delay)
            store = bootstrap.read_store(self.settings)
            try:
                bootstrap.projector(self.tracker, store).catch_up()
            finally:
                store.close()

        thread = threading.Thread(target=run, name="late-projector")
        thread.start()
        return thread

    def client(self, who: str) -> Client:
        transport = HTTPXTransport(
            url=f"{self.url}/graphql",
            headers={"Authorization": f"Bearer {self.keys[who]}"},
            timeout=30,
        )
        return Client(transport=transport, fetch_schema_from_transport=False)

    def query(self, who: str, document: str, **variables: Any) -> dict[str, Any]:
        """The data of a query that must succeed."""
        with self.client(who) as session:
            result: dict[str, Any] = session.execute(
                GraphQLRequest(document, variable_values=variables or None)
            )
        return result

    def errors(self, who: str, document: str, **variables: Any) -> list[dict[str, Any]]:
        """The errors of a query that must fail."""
        try:
            with self.client(who) as session:
                session.execute(GraphQLRequest(document, variable_values=variables or None))
        except TransportQueryError as e:
            return list(e.errors or [])
        raise AssertionError("the query succeeded but was expected to fail")

    def post(
        self,
        who: str | None,
        document: str,
        variables: dict[str, Any] | None = None,
        **headers: str,
    ) -> httpx.Response:
        """A raw POST (for headers, extensions and what a client library would hide)."""
        h = {"Authorization": f"Bearer {self.keys[who]}"} if who else {}
        h.update({k.replace("_", "-"): v for k, v in headers.items()})
        return httpx.post(
            f"{self.url}/graphql",
            json={"query": document, "variables": variables or {}},
            headers=h,
            timeout=30,
        )

    def close(self) -> None:
        self.store.close()


@contextmanager
def graph_server(settings: Settings, tracker: Safeguarding) -> Iterator[Graph]:
    keys = {
        who: issue_key(tracker, principal_id=who, role=role, agency=agency, partnerships=parts)[0]
        for who, (role, agency, parts) in PRINCIPALS.items()
    }
    port = free_port()
    app = bootstrap.web_app(settings, app=tracker)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="graphql-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server died on start"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    graph = Graph(f"http://127.0.0.1:{port}", tracker, settings, keys)
    try:
        yield graph
    finally:
        graph.close()
        server.should_exit = True
        thread.join(timeout=30)
