"""The OpenAPI document is generated, checked in, and the app keeps to it (schemathesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from nir_cli.registry import accounts
from nir_cli.registry.app import create_app
from nir_cli.registry.openapi import text
from nir_cli.wire import Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "registry-openapi.json"


def test_checked_in_openapi_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == text(), (
        "docs/registry-openapi.json is stale: python -m nir_cli.registry.openapi > "
        "docs/registry-openapi.json"
    )


@pytest.fixture
def app_and_token(module_registry_database: str):  # type: ignore[no-untyped-def]
    """An app of its own for each test (a run's end closes its database), over the module's."""
    app = create_app(module_registry_database, allow_synthetic=True, docs=True)
    with app.state.db.session() as store:
        if not accounts.username_taken(store, "5001-admin"):
            accounts.create_user(store, "5001-admin", "long-enough-1", "5001", None, Role.SUPERUSER)
        with store.write() as conn:  # the last test's made-up passwords locked the name out
            conn.execute("DELETE FROM login_attempts")
    token = (
        TestClient(app)
        .post("/v1/token", json={"username": "5001-admin", "password": "long-enough-1"})
        .json()["access_token"]
    )
    return app, token


def operations(app) -> list:  # type: ignore[no-untyped-def, type-arg]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


# No 5xx, and every answer in the documented status codes, content types and schemas. (The
# heuristic "schema-valid data is accepted" is left out: a reused idempotency key is 422 by
# design even when the batch itself is schema-valid.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
    checks.unsupported_method,
    checks.missing_required_header,
]

# Calls that would end the session or lock the admin out of the other cases.
SKIP = ("/v1/logout", "/disable", "/v1/token")


@pytest.mark.parametrize("mode", list(GenerationMode))
def test_the_api_keeps_to_its_schema_and_never_fails(app_and_token, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    """schemathesis over every operation (ASGI, no network), with data the schema allows and
    data it does not: no 5xx, every answer as documented, what the schema forbids refused."""
    app, token = app_and_token
    tested = 0
    for operation in operations(app):
        if operation.path.endswith(SKIP):
            continue
        chosen = CHECKS
        if operation.path == "/v1/batches":
            # A batch's records are checked one by one: a record the schema forbids is a
            # rejection in a 200 answer (docs/registry.md), not a 4xx for the whole batch.
            chosen = [c for c in CHECKS if c is not checks.negative_data_rejection]

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            auth = {"Authorization": f"Bearer {token}"}
            case.call_and_validate(headers=auth, checks=chosen)  # noqa: B023 (run at once)

        try:
            check()
        except Unsatisfiable:
            # Nothing to make invalid: no parameters and no body (GET /v1/me, say).
            assert mode is GenerationMode.NEGATIVE
            continue
        tested += 1
    assert tested >= 10


def test_every_operation_without_a_token_answers_as_documented(app_and_token) -> None:  # type: ignore[no-untyped-def]
    """The same operations with no token and with a wrong one: 401 (or 404/422 where the
    request cannot even be routed or read), documented, in the one error shape."""
    app, _token = app_and_token
    tested = 0
    for operation in operations(app):
        if operation.path == "/v1/health" or operation.path.endswith(SKIP):
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            for headers in ({}, {"Authorization": "Bearer not-a-token"}):
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS[:5])
                assert response.status_code in (401, 404, 405, 413, 422), response.status_code
                assert set(response.json()) <= {"detail", "errors"}

        check()
        tested += 1
    assert tested >= 10
