"""nir sql: read-only for real, named parameters, the documented views, every format."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import TEST_DUF, CliFn, snapshot

DOC = Path(__file__).resolve().parents[2] / "docs" / "sql.md"


def test_a_query_with_a_named_parameter(person: CliFn) -> None:
    person("register", "claim", TEST_DUF, "--date", "2025-08-20", "--scheme", "training")
    result = person(
        "sql",
        "SELECT duf, kind, deadline, state FROM current_registrations WHERE duf = :d",
        "-p",
        "d",
        TEST_DUF,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"duf": TEST_DUF, "kind": "claim", "deadline": "2025-10-20", "state": "overdue"}
    ]


def test_nothing_can_be_written_whatever_the_query_says(person: CliFn, store_file: Path) -> None:
    before = snapshot(store_file)
    for statement in (
        "DELETE FROM persons",
        "UPDATE persons SET first_name = 'x'",
        "DROP TABLE persons",
        "PRAGMA user_version = 99",
        "CREATE TABLE x (a)",
        "INSERT INTO persons SELECT * FROM persons",
    ):
        result = person("sql", statement)
        assert result.exit_code == 65, statement
        assert "only reads" in result.stderr or "SQL:" in result.stderr
    assert snapshot(store_file) == before


def test_a_bad_query_is_65_with_sqlites_words(person: CliFn) -> None:
    result = person("sql", "SELEC 1")
    assert result.exit_code == 65
    assert 'SQL: near "SELEC": syntax error' in result.stderr


def test_tables_schema_and_the_documented_views(person: CliFn) -> None:
    listed = json.loads(person("sql", "--tables", "--format", "json").stdout)
    names = {r["name"]: r for r in listed}
    text = DOC.read_text(encoding="utf-8")
    for view in ("current_persons", "current_registrations", "target_group"):
        assert names[view]["kind"] == "view"
        assert f"`{view}`" in text
    assert names["persons"]["rows"] == 1
    assert "CREATE VIEW current_registrations" in person("sql", "--schema").stdout


def test_formats_and_masking(person: CliFn) -> None:
    csv = person("sql", "SELECT duf, nir_mask(fnr) AS fnr FROM current_persons", "--format", "csv")
    assert csv.stdout.splitlines() == ["duf,fnr", f"{TEST_DUF},158190*****"]
    excel = person("sql", "SELECT birth_date FROM current_persons", "--excel")
    assert excel.stdout.startswith("\ufeffbirth_date")  # CRLF: see tests/e2e/test_trust.py
    assert "15.01.1990" in excel.stdout
