"""Schemathesis fuzzes every operation of the OpenAPI schema, as four roles (partnership
staff, a partner, an agency, an analyst), on SQLite and PostgreSQL: no answer is a server
error, and every status an operation answers is one its OpenAPI document lists (what a
client generator relies on). A bounded run (a few examples per operation), so it stays a CI
test."""

from __future__ import annotations

from typing import Any, cast

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from entrypoints import bootstrap
from tests.e2e.conftest import Api
from tests.e2e.walk import refer

ROLES = ("staff", "la", "mash", "analyst")
EXAMPLES = 3  # per operation; every example is sent once per role


def test_no_operation_answers_a_server_error_or_an_undocumented_status(api: Api) -> None:
    refer(api)  # something in the store for the reads to find
    projector = bootstrap.projector(api.tracker)  # the read models, as a projector keeps them
    projector.setup()
    projector.catch_up()
    projector.store.close()
    # made once and kept by the app; made here first, without the loader's 10 s limit,
    # which a loaded machine can exceed (the document's speed is not what this tests)
    assert api.client.get("/openapi.json").status_code == 200
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    operations = [cast(Any, result).ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # every act, the reads, the outbox, the documents
    errors: list[tuple[str, str, int, str]] = []
    documented = {
        (method.upper(), path): set(op["responses"])
        for path, item in api.client.get("/openapi.json").json()["paths"].items()
        for method, op in item.items()
    }
    undocumented: set[tuple[str, str, int]] = set()

    def fuzzer(operation: Any) -> Any:
        label = operation.label

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case: Any) -> None:
            for who in ROLES:
                headers = {**(case.headers or {}), "Authorization": f"Bearer {api.keys[who]}"}
                try:
                    response = case.call(headers=headers)
                except Exception as e:  # the app raised: what a server answers with a 500
                    errors.append((label, who, 500, f"{type(e).__name__}: {e}"[:300]))
                    continue
                listed = documented[(operation.method.upper(), operation.path)]
                if response.status_code >= 500 and not _waits(response, listed):
                    errors.append((label, who, response.status_code, response.text[:300]))
                if str(response.status_code) not in listed:
                    undocumented.add((label, who, response.status_code))

        return fuzz

    for operation in operations:
        fuzzer(operation)()

    assert errors == []
    assert sorted(undocumented) == []
    print(f"schemathesis: {len(operations)} operations x {EXAMPLES} examples x {len(ROLES)} roles")


def _waits(response: Any, listed: set[str]) -> bool:
    """A 503 ``read_model_behind`` where the operation documents it: asked to wait for a log
    position the read models have not reached (a fuzzed ``after``), the answer is to retry."""
    if response.status_code != 503 or "503" not in listed:
        return False
    return bool(response.json().get("code") == "read_model_behind")
