"""Every kind through `nir register`, using the examples its help shows."""

import json
import shlex
from pathlib import Path

import pytest

from nir_cli.commands.register import EXAMPLE_PERSON, EXAMPLE_PERSONS, EXAMPLES
from nir_cli.domain.enums import Kind
from tests.conftest import SIXA_PERSON_ARGS, SIXA_STARTED, TEST_DUF, CliFn, snapshot


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_each_kind_registers_with_its_help_example(person: CliFn, kind: Kind) -> None:
    assert person("person", "add", *SIXA_PERSON_ARGS).exit_code == 0
    if kind is Kind.EXTENDED_TRAINING:
        for args in SIXA_STARTED:
            assert person(*args).exit_code == 0
    who = EXAMPLE_PERSONS.get(kind, EXAMPLE_PERSON)
    result = person("register", kind.value, who, *shlex.split(EXAMPLES[kind]), "--format", "json")
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["kind"] == kind.value
    assert row["version"] == 1
    assert row["registry_date"] is None
    assert "deadline" in row


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_each_kind_has_help_with_an_example(cli: CliFn, kind: Kind) -> None:
    result = cli("register", kind.value, "--help")
    assert result.exit_code == 0
    assert f"nir register {kind.value} {EXAMPLE_PERSONS.get(kind, EXAMPLE_PERSON)}" in result.stdout


def test_registering_the_same_thing_twice_changes_nothing(person: CliFn, store_file: Path) -> None:
    args = ("register", "claim", TEST_DUF, "--date", "2025-08-20", "--scheme", "training")
    first = person(*args)
    before = snapshot(store_file)
    second = person(*args)
    assert second.exit_code == 0
    assert "Already registered" in second.stderr
    assert snapshot(store_file) == before
    assert first.stdout == second.stdout


def test_a_registration_and_its_outbox_row_are_written_together(
    person: CliFn, store_file: Path
) -> None:
    person("register", "start", TEST_DUF, "--date", "2025-10-01", "--scheme", "training")
    tables = snapshot(store_file)
    assert len(tables["registrations"]) == 1
    assert len(tables["registration_versions"]) == 1
    registration_rows = [r for r in tables["outbox"] if r[1] == "registration"]
    assert len(registration_rows) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["claim", TEST_DUF, "--date", "2099-01-01", "--scheme", "training"], "in the future"),
        (
            ["claim", TEST_DUF, "--date", "31.02.2025", "--scheme", "training"],
            "'31.02.2025' is not a calendar date",
        ),
        (["claim", TEST_DUF, "--date", "2025-08-01", "--scheme", "school"], "--scheme: 'school'"),
        (
            [
                "test-result",
                TEST_DUF,
                "--date",
                "2025-08-01",
                "--test",
                "norskprove",
                "--oral",
                "B3",
            ],
            "--oral: 'B3' is not one of",
        ),
        (
            [
                "hours",
                TEST_DUF,
                "--date",
                "2026-01-31",
                "--period",
                "2026-01",
                "--norwegian-hours",
                "tolv",
            ],
            "--norwegian-hours: 'tolv' is not a number",
        ),
        (
            ["claim", TEST_DUF, "--date", "1980-01-01", "--scheme", "training"],
            "before the person's birth date",
        ),
        (
            [
                "hours",
                TEST_DUF,
                "--date",
                "2026-01-31",
                "--period",
                "2026-01",
                "--scheme",
                "programme",
                "--norwegian-hours",
                "3",
            ],
            "--scheme: 'programme' is not one of",
        ),
    ],
)
def test_bad_input_is_one_clear_line_exit_65_and_changes_nothing(
    person: CliFn, store_file: Path, args: list[str], message: str
) -> None:
    before = snapshot(store_file)
    result = person("register", *args)
    assert result.exit_code == 65, result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert snapshot(store_file) == before


def test_an_unknown_person_is_66_does_not_exist_and_changes_nothing(
    person: CliFn, store_file: Path
) -> None:
    before = snapshot(store_file)
    result = person(
        "register", "claim", "200205705502", "--date", "2025-08-01", "--scheme", "training"
    )
    assert result.exit_code == 66, result.stderr
    assert "no person with DUF number 200205705502" in result.stderr
    assert snapshot(store_file) == before


def test_an_end_before_the_start_is_refused(person: CliFn, store_file: Path) -> None:
    person("register", "start", TEST_DUF, "--date", "2025-10-01", "--scheme", "training")
    before = snapshot(store_file)
    result = person("register", "end", TEST_DUF, "--date", "2025-09-01", "--scheme", "training")
    assert result.exit_code == 65
    assert "training end (2025-09-01) would be before its start" in result.stderr
    assert snapshot(store_file) == before


def test_missing_required_option_and_unknown_kind_are_usage_errors(person: CliFn) -> None:
    assert person("register", "claim", TEST_DUF, "--date", "2025-08-01").exit_code == 2
    result = person("register", "holiday", TEST_DUF)
    assert result.exit_code == 2
    assert "No such command 'holiday'" in result.stderr


def test_kind_by_norwegian_name(person: CliFn) -> None:
    result = person(
        "register",
        "krav/søknad",
        TEST_DUF,
        "--date",
        "2025-08-01",
        "--scheme",
        "opplæring i norsk og samfunnskunnskap",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["scheme"] == "training"
