"""A live registry on a free loopback port, a profile pointing at it, and a token."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nir_cli.core import constants
from nir_cli.registry.faults import Faults
from nir_cli.wire import Role
from tests.conftest import CliFn
from tests.registry.conftest import Registry, run_registry

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def faults() -> Faults:
    """The registry's fault switch, off until a test turns something on."""
    return Faults()


@pytest.fixture
def live(registry_database: str, faults: Faults) -> Iterator[Registry]:
    yield from run_registry(registry_database, faults)


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "RETRY_BASE_DELAY", 0.01)
    monkeypatch.setattr(constants, "RETRY_MAX_DELAY", 0.02)
    monkeypatch.setattr(constants, "RETRY_AFTER_CAP", 0.05)


@pytest.fixture
def synced(
    cli: CliFn, live: Registry, monkeypatch: pytest.MonkeyPatch, fast_retries: None
) -> CliFn:
    """Two profiles of 5001 on the same registry ('test' is the default, 'second' the other
    office), logged in through NIR_TOKEN as a transfer user."""
    live.add_user("5001-sync", "5001", Role.TRANSFER)
    token = live.token("5001-sync")
    monkeypatch.setenv("NIR_TOKEN", token)
    for name in ("test", "second"):
        result = cli(
            "--profile",
            name,
            "init",
            "-m",
            "5001",
            "-m",
            "5028",
            "--place",
            "Sentrum",
            "--registry",
            live.url,
        )
        assert result.exit_code == 0, result.stderr
    return cli


def records(db: Path) -> dict[str, Any]:
    """What a store says about each person and registration, for comparing two stores."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        persons = {
            r["id"]: (
                r["version"],
                r["first_name"],
                r["last_name"],
                r["duf"],
                r["municipality"],
                r["registry_version"],
            )
            for r in conn.execute("SELECT * FROM persons")
        }
        registrations = {
            r["id"]: (
                r["version"],
                r["kind"],
                r["fact_date"],
                json.loads(r["details"]),
                r["withdrawn"],
                r["registry_version"],
            )
            for r in conn.execute("SELECT * FROM registrations")
        }
        return {"persons": persons, "registrations": registrations}
    finally:
        conn.close()


def registry_rows(live: Registry) -> dict[str, int]:
    """Versions stored per record id in the registry."""
    with live.db.session() as store:
        rows = store.query("SELECT id, count(*) AS n FROM record_versions GROUP BY id")
    return {r["id"]: r["n"] for r in rows}
