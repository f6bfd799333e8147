import json
from pathlib import Path

from tests.conftest import TEST_DUF, CliFn, snapshot


def register(cli: CliFn, *args: str) -> str:
    result = cli("register", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["id"])


def test_history_shows_deadlines_and_states_as_of_a_date(person: CliFn) -> None:
    register(person, "claim", TEST_DUF, "--date", "2025-12-31", "--scheme", "training")
    register(
        person,
        "decision",
        TEST_DUF,
        "--date",
        "2026-01-20",
        "--scheme",
        "training",
        "--outcome",
        "granted",
    )
    result = person("history", TEST_DUF, "--as-of", "2026-03-01", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["kind"], r["deadline"], r["state"], r["days_left"]) for r in rows] == [
        ("claim", "2026-02-28", "overdue", -1),
        ("decision", "2026-03-20", "pending", 19),
    ]
    table = person("history", TEST_DUF, "--as-of", "2026-03-01")
    assert "2026-02-28" in table.stdout
    assert "overdue" in table.stdout
    assert "Kari Nordmann" in table.stderr


def test_edit_is_a_new_version_and_keeps_the_old_one(person: CliFn) -> None:
    reg_id = register(
        person,
        "hours",
        TEST_DUF,
        "--date",
        "2026-01-31",
        "--period",
        "2026-01",
        "--norwegian-hours",
        "42,5",
    )
    result = person(
        "registration", "edit", reg_id[-8:], "--set", "norwegian-hours=40", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["version"] == 2
    versions = json.loads(person("registration", "versions", reg_id, "--format", "json").stdout)
    assert [v["details"]["norwegian_hours"] for v in versions] == [42.5, 40.0]


def test_edit_is_validated_like_register(person: CliFn, store_file: Path) -> None:
    reg_id = register(
        person,
        "hours",
        TEST_DUF,
        "--date",
        "2026-01-31",
        "--period",
        "2026-01",
        "--norwegian-hours",
        "42,5",
    )
    before = snapshot(store_file)
    bad = person("registration", "edit", reg_id, "--set", "norwegian-hours=-3")
    assert bad.exit_code == 65
    assert "--norwegian-hours" in bad.stderr
    unknown = person("registration", "edit", reg_id, "--set", "level=B1")
    assert unknown.exit_code == 65
    assert "hours has no field level" in unknown.stderr
    assert person("registration", "edit", reg_id).exit_code == 2
    assert snapshot(store_file) == before


def test_withdraw_needs_a_reason_and_is_a_new_version(person: CliFn) -> None:
    reg_id = register(person, "start", TEST_DUF, "--date", "2025-10-01", "--scheme", "training")
    assert person("registration", "withdraw", reg_id).exit_code == 2
    result = person(
        "registration", "withdraw", reg_id, "--reason", "wrong person", "--format", "json"
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["withdrawn"] is True
    again = person("registration", "withdraw", reg_id, "--reason", "again")
    assert again.exit_code == 65
    assert "already withdrawn" in again.stderr
    history = json.loads(person("history", TEST_DUF, "--format", "json").stdout)
    assert history == []
    assert len(json.loads(person("history", TEST_DUF, "--all", "--format", "json").stdout)) == 1


def test_correcting_a_date_past_a_start_is_checked(person: CliFn) -> None:
    register(person, "start", TEST_DUF, "--date", "2025-10-01", "--scheme", "training")
    end_id = register(person, "end", TEST_DUF, "--date", "2026-03-01", "--scheme", "training")
    result = person("registration", "edit", end_id, "--date", "2025-09-01")
    assert result.exit_code == 65
    assert "training end (2025-09-01) would be before its start" in result.stderr


def test_unknown_registration_id(person: CliFn) -> None:
    result = person("registration", "show", "deadbeef")
    assert result.exit_code == 66
    assert "no registration with id deadbeef" in result.stderr


def test_municipalities_command(cli: CliFn) -> None:
    result = cli("municipalities", "1507", "--format", "json")
    rows = json.loads(result.stdout)
    assert [(r["code"], r["replaces"]) for r in rows] == [
        ("1508", "1507 Ålesund"),
        ("1580", "1507 Ålesund"),
    ]
    assert "5001" in cli("municipalities", "trondheim").stdout
    assert len(json.loads(cli("municipalities", "--format", "json").stdout)) == 357
