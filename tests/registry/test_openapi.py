"""The OpenAPI document is generated, checked in, and the app keeps to it (schemathesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

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


@pytest.fixture(scope="module")
def app_and_token(module_registry_database: str):  # type: ignore[no-untyped-def]
    app = create_app(module_registry_database, allow_synthetic=True, docs=True)
    with app.state.db.session() as store:
        accounts.create_user(store, "5001-admin", "long-enough-1", "5001", None, Role.SUPERUSER)
    token = (
        TestClient(app)
        .post("/v1/token", json={"username": "5001-admin", "password": "long-enough-1"})
        .json()["access_token"]
    )
    return app, token


def operations(app) -> list:  # type: ignore[no-untyped-def, type-arg]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


# No 5xx, and every answer in the documented status codes, content types and schemas. (The
# heuristic "schema-valid data is accepted" is left out: a reused idempotency key is 422 by
# design even when the batch itself is schema-valid.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]

# Calls that would end the session or lock the admin out of the other cases.
SKIP = ("/v1/logout", "/disable", "/v1/token")


def test_the_api_keeps_to_its_schema_and_never_fails(app_and_token) -> None:  # type: ignore[no-untyped-def]
    """schemathesis over every operation (ASGI, no network): no 5xx, answers match the schema."""
    app, token = app_and_token
    tested = 0
    for operation in operations(app):
        if operation.path.endswith(SKIP):
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        check()
        tested += 1
    assert tested >= 10
