"""A store and a small API to build persons and registrations for the rule tests."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nir_cli.core.config import Environment, Profile
from nir_cli.domain.model import Checks
from nir_cli.rules.findings import missing
from nir_cli.sandbox.synthetic import synthetic_duf
from nir_cli.services.persons import add_person
from nir_cli.services.registrations import record
from nir_cli.store import Store

# The rules judge whatever is registered, implausible or not (an import may have accepted it).
CHECKS = Checks(today=dt.date(2100, 1, 1), allow_synthetic=True, accept_implausible=True)
PROFILE = Profile("test", ["5001", "5028"], "Sentrum", None, Environment.TEST)


class Register:
    """Builds the register a rule is tested on."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.serial = itertools.count()

    def person(self, **fields: Any) -> str:
        body = {
            "duf": synthetic_duf(2024, next(self.serial)),
            "first_name": "Test",
            "last_name": "Person",
            "birth_date": "1990-05-05",
            "residence_basis": "refugee",
            "permit_date": "2024-01-10",
            "settlement_date": "2024-02-01",
            **fields,
        }
        return add_person(self.store, PROFILE, body, CHECKS).data.duf or ""

    def person_id(self, duf: str) -> str:
        row = self.store.one("SELECT id FROM persons WHERE duf = ?", (duf,))
        assert row is not None
        return str(row["id"])

    def add(self, duf: str, kind: str, date: str, **fields: Any) -> None:
        record(self.store, PROFILE, duf, {"kind": kind, "fact_date": date, **fields}, CHECKS)

    def findings(self, rule: str, as_of: str) -> list[str]:
        """DUF numbers flagged by one rule as of a date."""
        found = missing(self.store, dt.date.fromisoformat(as_of), rule_ids=[rule])
        return sorted(f.duf or "" for f in found)


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Register]:
    store = Store.open(tmp_path / "rules.db", create=True)
    yield Register(store)
    store.close()
