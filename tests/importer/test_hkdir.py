"""Test results from HK-dir (`nir import --source hkdir`): kept as facts, never sent to NIR
(which has them from HK-dir), never overdue, read-only, test results only."""

from __future__ import annotations

import json
from pathlib import Path

from nir_cli.store import Store
from tests.conftest import TEST_DUF, CliFn

RESULTS = (
    "duf;type;dato;prove;lese;lytte;skrive;muntlig\n"
    f"{TEST_DUF};prøveresultat;20.05.2026;norskprøven;B1;B1;A2;B1\n"
)


def test_results_from_hkdir_are_kept_not_sent_and_not_overdue(
    person: CliFn, tmp_path: Path, store_file: Path
) -> None:
    results = tmp_path / "prover.csv"
    results.write_text(RESULTS, encoding="utf-8")
    done = person("import", str(results), "--source", "hkdir", "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["created"] == 1
    store = Store.open(store_file)
    try:
        outbox = store.query("SELECT entity FROM outbox WHERE state = 'pending'")
        row = store.one("SELECT version, registry_version, source FROM registrations")
    finally:
        store.close()
    assert [r["entity"] for r in outbox] == ["person"]  # the result is not queued
    assert row is not None
    assert row["registry_version"] == row["version"]
    assert row["source"].startswith("hkdir:")
    assert "nothing overdue" in person("overdue", "--as-of", "2027-01-01").stderr
    history = json.loads(person("history", TEST_DUF, "--format", "json").stdout)
    assert history[0]["state"] == "accepted"
    # The same file again changes nothing.
    again = person("import", str(results), "--source", "hkdir", "--format", "json")
    assert json.loads(again.stdout)["unchanged"] == 1


def test_results_from_hkdir_are_read_only(person: CliFn, tmp_path: Path) -> None:
    results = tmp_path / "prover.csv"
    results.write_text(RESULTS, encoding="utf-8")
    assert person("import", str(results), "--source", "hkdir").exit_code == 0
    reg_id = json.loads(person("history", TEST_DUF, "--format", "json").stdout)[0]["id"]
    edited = person("registration", "edit", reg_id, "--set", "oral=B2")
    assert edited.exit_code == 65
    assert "is a test result from HK-dir" in edited.stderr
    assert "--source hkdir" in edited.stderr
    withdrawn = person("registration", "withdraw", reg_id, "--reason", "wrong")
    assert withdrawn.exit_code == 65


def test_hkdir_sends_test_results_only(person: CliFn, tmp_path: Path) -> None:
    other = tmp_path / "krav.csv"
    other.write_text(f"duf;type;dato;ordning\n{TEST_DUF};claim;01.09.2025;training\n", "utf-8")
    refused = person("import", str(other), "--source", "hkdir")
    assert refused.exit_code == 65
    assert f"{other}:2: column type: HK-dir sends test results only" in refused.stderr
    persons = tmp_path / "personer.csv"
    persons.write_text("duf;fornavn\n201212345603;Kari\n", "utf-8")
    assert person("import", str(persons), "--source", "hkdir").exit_code == 2
