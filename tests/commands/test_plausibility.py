"""Registrations that look wrong for their person are refused with a way to say they are
right (--accept-implausible), through `nir register`, `nir registration edit` and `nir import`;
each check where it must warn and where it must not."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SIXA_DUF, SIXA_PERSON_ARGS, TEST_DUF, CliFn

OLD_DUF = "202090000100"
OLD_PERSON = [
    "--duf", OLD_DUF, "--first-name", "Eldre", "--last-name", "Test", "--birth-date",
    "1980-02-02", "--residence-basis", "refugee", "--permit-date", "2020-03-01",
    "--settlement-date", "2020-05-01",
]  # fmt: skip
LABOUR_DUF = "202490000307"
LABOUR_PERSON = [
    "--duf", LABOUR_DUF, "--first-name", "Arbeid", "--last-name", "Test", "--birth-date",
    "1990-03-03", "--residence-basis", "labour_non_eea", "--permit-date", "2024-08-31",
]  # fmt: skip
OVERRIDE = "if it is right, give --accept-implausible"


def refused(result: object) -> str:
    assert getattr(result, "exit_code") == 65, getattr(result, "stderr")  # noqa: B009
    stderr: str = getattr(result, "stderr")  # noqa: B009
    assert OVERRIDE in stderr
    return stderr


def test_a_programme_decision_outside_its_target_group(person: CliFn) -> None:
    assert person("person", "add", *LABOUR_PERSON).exit_code == 0
    decision = ["--date", "2025-01-10", "--scheme", "programme", "--outcome", "granted"]
    stderr = refused(person("register", "decision", LABOUR_DUF, *decision))
    assert "--scheme: a granted programme decision for a person outside" in stderr
    assert "gives no right to the programme (§ 9)" in stderr
    assert (
        person("register", "decision", LABOUR_DUF, *decision, "--accept-implausible").exit_code == 0
    )
    # In the target group: no warning; a refusal for anyone: no warning.
    assert person("register", "decision", TEST_DUF, *decision).exit_code == 0


def test_the_asylum_scheme_for_a_person_who_is_no_asylum_seeker(person: CliFn) -> None:
    stderr = refused(
        person("register", "claim", TEST_DUF, "--date", "2025-09-01", "--scheme", "asylum")
    )
    assert "residence basis is refugee, not asylum_seeker" in stderr
    assert (
        person(
            "register", "claim", TEST_DUF, "--date", "2025-09-01", "--scheme", "training"
        ).exit_code
        == 0
    )


def test_extended_training_is_chapter_6a_only(person: CliFn) -> None:
    assert person("person", "add", *SIXA_PERSON_ARGS).exit_code == 0
    args = ["--date", "2026-06-01", "--months", "6"]
    stderr = refused(person("register", "extended-training", TEST_DUF, *args))
    assert stderr.startswith("Error: a decision on extended training is chapter 6A's")
    assert person("register", "extended-training", SIXA_DUF, *args).exit_code == 0


def test_a_training_fact_after_the_window(person: CliFn) -> None:
    assert person("person", "add", *OLD_PERSON).exit_code == 0
    late = person("register", "start", OLD_DUF, "--date", "2023-03-02", "--scheme", "training")
    assert "--date: the fact date is after the training window ended (2023-03-01" in refused(late)
    on_the_day = person(
        "register", "start", OLD_DUF, "--date", "2023-03-01", "--scheme", "training"
    )
    assert on_the_day.exit_code == 0, on_the_day.stderr
    # A leave extends the window by its days.
    leave = ["--date", "2022-01-01", "--scheme", "training", "--until", "2022-01-10",
             "--reason", "illness"]  # fmt: skip
    assert person("register", "leave", OLD_DUF, *leave).exit_code == 0
    hours = ["--date", "2023-03-10", "--period", "2023-03", "--norwegian-hours", "10"]
    assert person("register", "hours", OLD_DUF, *hours).exit_code == 0


def test_a_correction_is_checked_too(person: CliFn) -> None:
    assert person("person", "add", *OLD_PERSON).exit_code == 0
    started = person(
        "register",
        "start",
        OLD_DUF,
        "--date",
        "2022-03-01",
        "--scheme",
        "training",
        "--format",
        "json",
    )
    reg_id = json.loads(started.stdout)["id"]
    refused(person("registration", "edit", reg_id, "--date", "2024-01-01"))
    assert (
        person(
            "registration", "edit", reg_id, "--date", "2024-01-01", "--accept-implausible"
        ).exit_code
        == 0
    )


def test_an_import_refuses_the_row_with_its_line_or_takes_it_when_accepted(
    person: CliFn, tmp_path: Path
) -> None:
    assert person("person", "add", *LABOUR_PERSON).exit_code == 0
    csv = tmp_path / "vedtak.csv"
    csv.write_text(
        "duf;type;dato;ordning;utfall\n"
        f"{TEST_DUF};vedtak;10.09.2025;programme;granted\n"
        f"{LABOUR_DUF};vedtak;10.01.2025;introduksjonsprogram;innvilget\n",
        encoding="utf-8",
    )
    failed = person("import", str(csv))
    assert failed.exit_code == 65
    assert f"{csv}:3: column ordning: a granted programme decision" in failed.stderr
    skipped = person("import", str(csv), "--skip-invalid", "--format", "json")
    assert skipped.exit_code == 0, skipped.stderr
    assert json.loads(skipped.stdout)["created"] == 1
    taken = person("import", str(csv), "--accept-implausible", "--format", "json")
    assert taken.exit_code == 0, taken.stderr
    assert json.loads(taken.stdout)["created"] == 1  # the first row was there already


def test_a_programme_longer_than_the_final_goal_allows(person: CliFn) -> None:
    """Integreringsloven §§ 13–14: 12 months with upper secondary education from before, 48
    towards completed upper secondary, 36 for everyone else."""
    decide = ["--date", "2025-09-10", "--scheme", "programme", "--outcome", "granted"]
    # No final goal registered: nir cannot tell, and says nothing.
    assert person("register", "decision", TEST_DUF, *decide, "--months", "40").exit_code == 0
    goal = ["--date", "2025-09-01", "--scheme", "programme", "--final-goal", "employment"]
    assert person("register", "goal", TEST_DUF, *goal).exit_code == 0
    later = ["--date", "2025-09-11", "--scheme", "programme", "--outcome", "granted"]
    stderr = refused(person("register", "decision", TEST_DUF, *later, "--months", "37"))
    assert "--months: 37 months is longer than the 36 the law allows" in stderr
    assert person("register", "decision", TEST_DUF, *later, "--months", "36").exit_code == 0
    education = ["--date", "2025-09-02", "--upper-secondary", "yes"]
    assert person("register", "education", TEST_DUF, *education).exit_code == 0
    third = ["--date", "2025-09-12", "--scheme", "programme", "--outcome", "granted"]
    assert "the 12 the law allows" in refused(
        person("register", "decision", TEST_DUF, *third, "--months", "13")
    )
    upper = ["--date", "2025-09-03", "--scheme", "programme", "--final-goal", "upper_secondary"]
    assert person("register", "goal", TEST_DUF, *upper).exit_code == 0
    assert person("register", "decision", TEST_DUF, *third, "--months", "48").exit_code == 0
    assert person("register", "decision", TEST_DUF, *third, "--months", "49").exit_code == 65
