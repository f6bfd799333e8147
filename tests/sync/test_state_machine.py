"""A hypothesis state machine over two offices and the registry: local edits, imports, the other
office's edits, faults and syncs. After every sync that gets through, the store and the registry
agree on every record; no version is ever stored twice; at the end all three hold the same."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from nir_cli.core import constants as nir_constants
from nir_cli.core.config import Environment, Profile
from nir_cli.core.errors import InvalidData, TemporaryFailure
from nir_cli.domain.model import Checks
from nir_cli.domain.municipalities import all_municipalities
from nir_cli.importer.engine import ImportOptions, import_file
from nir_cli.registry import accounts
from nir_cli.registry.faults import Faults
from nir_cli.sandbox.synthetic import synthetic_duf
from nir_cli.services.persons import add_person
from nir_cli.services.registrations import edit_registration, record, withdraw_registration
from nir_cli.store import Store
from nir_cli.sync.client import RegistryClient
from nir_cli.sync.conflicts import Keep, open_conflicts, resolve
from nir_cli.sync.engine import sync
from nir_cli.wire import Role
from tests.conftest import examples
from tests.registry.conftest import Registry, run_registry
from tests.sync.conftest import records

CHECKS = Checks(today=dt.date(2026, 6, 1), allow_synthetic=True)
MUNICIPALITIES = itertools.cycle(sorted(all_municipalities()))
FAULTS = Faults()
SCHEME = {"A": "training", "B": "asylum"}  # the offices register under different schemes
# DUF numbers no other example has: the registry is shared by the examples and keeps one person
# per number, so a number an earlier example (another municipality) sent would be a move.
SERIALS = itertools.count()


@pytest.fixture(scope="module")
def shared_registry(module_registry_database: str) -> Iterator[Registry]:
    yield from run_registry(module_registry_database, FAULTS)


class Offices(RuleBasedStateMachine):
    registry: Registry

    @initialize()
    def setup(self) -> None:
        FAULTS.unavailable = FAULTS.drop_after_commit = 0.0
        self.municipality = next(MUNICIPALITIES)
        self.folder = Path(tempfile.mkdtemp(prefix="nir-sm-"))
        user = f"{self.municipality}-{self.folder.name[-6:]}"
        self.registry.add_user(user, self.municipality, Role.TRANSFER)
        # A token issued by the registry itself: one login per example would run into the
        # registry's login rate limit (20, then 2 a second per address) on a fast machine, and
        # logging in is not what this test is about (tests/registry/test_auth.py is).
        with self.registry.db.session() as registry_store:
            token, _ = accounts.issue_token(
                registry_store, user, "session", None, dt.timedelta(hours=1)
            )
        self.profile = Profile("sm", [self.municipality], None, self.registry.url, Environment.TEST)
        self.stores = {name: Store.open(self.folder / f"{name}.db", create=True) for name in SCHEME}
        self.client = RegistryClient(self.registry.url, token, attempts=3)
        self.synced_once: set[str] = set()

    def teardown(self) -> None:
        for store in getattr(self, "stores", {}).values():
            store.close()
        shutil.rmtree(getattr(self, "folder", ""), ignore_errors=True)

    # -- local work -------------------------------------------------------------------------

    def _persons(self, office: str) -> list[str]:
        return [r["duf"] for r in self.stores[office].query("SELECT duf FROM persons")]

    def _live(self, office: str) -> list[str]:
        return [
            r["id"]
            for r in self.stores[office].query(
                "SELECT id FROM registrations WHERE withdrawn = 0 ORDER BY id"
            )
        ]

    @rule(office=st.sampled_from(sorted(SCHEME)))
    def add_person(self, office: str) -> None:
        add_person(
            self.stores[office],
            self.profile,
            {
                "duf": synthetic_duf(2024, next(SERIALS)),
                "first_name": "Test",
                "last_name": office,
                "birth_date": "1990-01-01",
                "residence_basis": "refugee",
                "permit_date": "2024-01-10",
            },
            CHECKS,
        )

    @rule(
        office=st.sampled_from(sorted(SCHEME)),
        which=st.integers(0, 50),
        month=st.integers(1, 12),
        hours=st.integers(1, 80),
    )
    def register_hours(self, office: str, which: int, month: int, hours: int) -> None:
        people = self._persons(office)
        if not people:
            return
        fields = {
            "kind": "hours",
            "fact_date": f"2025-{month:02d}-28",
            "scheme": SCHEME[office],
            "period": f"2025-{month:02d}",
            "norwegian_hours": hours,
        }
        # A month registered already is refused: a correction is an edit.
        with contextlib.suppress(InvalidData):
            record(self.stores[office], self.profile, people[which % len(people)], fields, CHECKS)

    @rule(
        office=st.sampled_from(sorted(SCHEME)), which=st.integers(0, 50), hours=st.integers(1, 80)
    )
    def edit(self, office: str, which: int, hours: int) -> None:
        live = self._live(office)
        if live:
            edit_registration(
                self.stores[office], live[which % len(live)], {"norwegian_hours": hours}, CHECKS
            )

    @rule(office=st.sampled_from(sorted(SCHEME)), which=st.integers(0, 50))
    def withdraw(self, office: str, which: int) -> None:
        live = self._live(office)
        if live:
            withdraw_registration(self.stores[office], live[which % len(live)], "mistake")

    @rule(
        office=st.sampled_from(sorted(SCHEME)), month=st.integers(1, 12), hours=st.integers(1, 80)
    )
    def import_month(self, office: str, month: int, hours: int) -> None:
        people = self._persons(office)
        if not people:
            return
        path = self.folder / f"import-{office}.csv"
        lines = ["duf;dato;ordning;periode;norsktimer"] + [
            f"{duf};28.{month:02d}.2025;{SCHEME[office]};{month:02d}.2025;{hours}"
            for duf in people[:3]
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        options = ImportOptions(kind="hours", skip_invalid=True, rejects=path.with_suffix(".rej"))
        import_file(self.stores[office], self.profile, str(path), options, CHECKS)

    # -- the registry -----------------------------------------------------------------------

    @rule(unavailable=st.sampled_from([0.0, 0.0, 0.4]), drop=st.sampled_from([0.0, 0.0, 0.4]))
    def faults(self, unavailable: float, drop: float) -> None:
        FAULTS.unavailable, FAULTS.drop_after_commit, FAULTS.retry_after = unavailable, drop, 0

    @rule(office=st.sampled_from(sorted(SCHEME)))
    def sync(self, office: str) -> None:
        try:
            sync(self.stores[office], self.client, batch_size=3)
        except TemporaryFailure:
            return  # the fault switch won this time; nothing may be lost, checked below
        self.synced_once.add(office)
        self.check_agrees(office)

    @rule(office=st.sampled_from(sorted(SCHEME)), keep=st.sampled_from(list(Keep)))
    def resolve_conflicts(self, office: str, keep: Keep) -> None:
        for conflict in open_conflicts(self.stores[office]):
            resolve(self.stores[office], conflict["id"], keep)

    # -- what must hold ---------------------------------------------------------------------

    def registry_state(self) -> dict[str, int]:
        with self.registry.db.session() as store:
            rows = store.query(
                "SELECT id, version FROM records WHERE municipality = ?", (self.municipality,)
            )
        return {r["id"]: r["version"] for r in rows}

    def check_agrees(self, office: str) -> None:
        """Right after a sync: what the store says the registry holds, it holds, and every
        record of the registry is here, clean or waiting for a person."""
        remote = self.registry_state()
        store = self.stores[office]
        local = {
            r["id"]: r
            for r in store.query(
                "SELECT id, version, registry_version FROM persons UNION ALL "
                "SELECT id, version, registry_version FROM registrations"
            )
        }
        waiting = {
            r["entity_id"]
            for r in store.query(
                "SELECT entity_id FROM outbox WHERE state IN ('rejected', 'conflict')"
            )
        }
        for record_id, row in local.items():
            if row["registry_version"] is not None:
                assert remote[record_id] >= row["registry_version"]
            if row["registry_version"] == row["version"] and record_id not in waiting:
                assert remote[record_id] == row["version"], record_id
        for record_id, version in remote.items():
            assert record_id in local, f"{record_id} was not pulled"
            assert local[record_id]["version"] >= version or record_id in waiting

    @invariant()
    def no_version_is_stored_twice(self) -> None:
        with self.registry.db.session() as store:
            doubled = store.query(
                "SELECT id, version FROM record_versions GROUP BY id, version HAVING count(*) > 1"
            )
        assert doubled == []

    @precondition(lambda self: hasattr(self, "stores"))
    @rule()
    def converge(self) -> None:
        """Faults off, conflicts resolved, a few rounds of sync: all three hold the same."""
        FAULTS.unavailable = FAULTS.drop_after_commit = 0.0
        for _ in range(3):
            for office in sorted(SCHEME):
                for conflict in open_conflicts(self.stores[office]):
                    resolve(self.stores[office], conflict["id"], Keep.THEIRS)
                sync(self.stores[office], self.client, batch_size=3)
        a, b = (records(self.folder / f"{name}.db") for name in sorted(SCHEME))
        assert a == b
        remote = self.registry_state()
        assert {k: v[0] for k, v in a["persons"].items()} | {
            k: v[0] for k, v in a["registrations"].items()
        } == remote


@pytest.mark.slow
def test_offices_and_registry_converge(
    shared_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nir_constants, "RETRY_BASE_DELAY", 0.001)
    monkeypatch.setattr(nir_constants, "RETRY_MAX_DELAY", 0.002)
    monkeypatch.setattr(nir_constants, "RETRY_AFTER_CAP", 0.01)
    Offices.registry = shared_registry
    machine: Any = Offices.TestCase
    # 120 on each database: more between the two than the 200 it ran on SQLite alone, and the
    # suite stays well under ten minutes in CI.
    machine.settings = settings(
        max_examples=examples(120),
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    machine().runTest()
