"""Registrations that look wrong for their person are refused with a way to say they are
right (--accept-implausible), through `nir register`, `nir registration edit` and `nir import`;
each check where it must warn and where it must not."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SIXA_DUF, SIXA_PERSON_ARGS, SIXA_STARTED, TEST_DUF, CliFn

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
    for args in SIXA_STARTED:
        assert person(*args).exit_code == 0
    args = ["--date", "2025-06-01", "--months", "6"]
    stderr = refused(person("register", "extended-training", TEST_DUF, *args))
    assert stderr.startswith("Error: a decision on extended training is chapter 6A's")
    assert person("register", "extended-training", SIXA_DUF, *args).exit_code == 0


def test_extended_training_needs_the_education_background_first(person: CliFn) -> None:
    """IMDi: the education background is registered first, for it sets how many decisions NIR
    allows; no flag lifts that, and the message gives the command to run."""
    assert person("person", "add", *SIXA_PERSON_ARGS).exit_code == 0
    args = ["--date", "2025-06-01", "--months", "6", "--accept-implausible"]
    result = person("register", "extended-training", SIXA_DUF, *args)
    assert result.exit_code == 65
    assert "register the education background first" in result.stderr
    assert "nir register education PERSON --date DATE --upper-secondary yes|no" in result.stderr
    for command in SIXA_STARTED:
        assert person(*command).exit_code == 0
    assert person("register", "extended-training", SIXA_DUF, *args).exit_code == 0


def test_extended_training_is_dated_within_two_months_of_the_frist(person: CliFn) -> None:
    """The first start is 1 Jun 2024: the gjennomføringsfrist 1 Jun 2025, so a decision is
    dated from 1 Apr 2025 to 1 Aug 2025; with upper secondary education one is allowed."""
    assert person("person", "add", *SIXA_PERSON_ARGS).exit_code == 0
    started = [
        ["register", "education", SIXA_DUF, "--date", "2024-06-01", "--upper-secondary", "yes"],
        SIXA_STARTED[1],
    ]
    for args in started:
        assert person(*args).exit_code == 0
    early = person("register", "extended-training", SIXA_DUF, "--date", "2025-03-31",
                   "--months", "6")  # fmt: skip
    window = "gjennomføringsfrist (2025-06-01: from 2025-04-01 to 2025-08-01"
    assert "--date: a decision on extended training is dated within two months" in refused(early)
    assert window in refused(early)
    first = ["--date", "2025-04-01", "--months", "6"]
    assert person("register", "extended-training", SIXA_DUF, *first).exit_code == 0
    second = ["--date", "2025-12-01", "--months", "6"]
    assert "more than the 1 NIR allows" in refused(
        person("register", "extended-training", SIXA_DUF, *second)
    )


def test_what_introduksjonsloven_does_not_take(person: CliFn, tmp_path: Path) -> None:
    """IMDi: under introduksjonsloven NIR takes no education background, norskmål, full-time
    upper secondary, sluttmål or integration contract: refused, or kept as a finding when the
    user says it is right; under integreringsloven all are taken."""
    assert person("person", "add", *OLD_PERSON).exit_code == 0
    education = ["--date", "2020-06-01", "--upper-secondary", "yes"]
    stderr = refused(person("register", "education", OLD_DUF, *education))
    assert "NIR takes no education for a person under introduksjonsloven" in stderr
    assert "integreringsloven § 32" in stderr
    contract = refused(person("register", "integration-contract", OLD_DUF, "--date", "2020-06-01"))
    assert "integreringsloven § 16" in contract
    assert person("register", "education", TEST_DUF, *education).exit_code == 0
    accepted = person("register", "education", OLD_DUF, *education, "--accept-implausible")
    assert accepted.exit_code == 0, accepted.stderr
    found = person("missing", "--rule", "not-for-act", "--format", "json")
    assert [(f["duf"], f["rule"]) for f in json.loads(found.stdout)] == [(OLD_DUF, "not-for-act")]
    # An import refuses the row by its line.
    csv = tmp_path / "mal.csv"
    csv.write_text(
        f"duf;type;dato;ordning;nivå\n{OLD_DUF};mål;01.06.2020;opplæring;B1\n", encoding="utf-8"
    )
    failed = person("import", str(csv))
    assert failed.exit_code == 65
    assert f"{csv}:2: column type: NIR takes no goal for a person under introduksjonsloven" in (
        failed.stderr
    )


def test_one_file_may_carry_the_education_and_the_extended_training(
    person: CliFn, tmp_path: Path
) -> None:
    assert person("person", "add", *SIXA_PERSON_ARGS).exit_code == 0
    csv = tmp_path / "utvidet.csv"
    csv.write_text(
        "duf;type;dato;ordning;måneder;videregående\n"
        f"{SIXA_DUF};vedtak om utvidet norskopplæring;01.06.2025;;6;\n"
        f"{SIXA_DUF};utdanningsbakgrunn;01.06.2024;;;nei\n"
        f"{SIXA_DUF};oppstart;01.06.2024;opplæring;;\n",
        encoding="utf-8",
    )
    result = person("import", str(csv), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["created"] == 3


def test_a_training_fact_after_the_window(person: CliFn) -> None:
    """Introduksjonsloven: the municipality offers the hours on assessed need for up to five
    years from the permit, so a start after the three years is no mistake; after five it is."""
    assert person("person", "add", *OLD_PERSON).exit_code == 0
    after_three = person(
        "register", "start", OLD_DUF, "--date", "2023-03-02", "--scheme", "training"
    )
    assert after_three.exit_code == 0, after_three.stderr
    late = person("register", "hours", OLD_DUF, "--date", "2025-03-02", "--period", "2025-03",
                  "--norwegian-hours", "10")  # fmt: skip
    assert "--date: the fact date is after the training window ended (2025-03-01: 60 months" in (
        refused(late)
    )
    on_the_day = person("register", "hours", OLD_DUF, "--date", "2025-03-01", "--period",
                        "2025-02", "--norwegian-hours", "10")  # fmt: skip
    assert on_the_day.exit_code == 0, on_the_day.stderr
    # A leave extends the window by its days.
    leave = ["--date", "2022-01-01", "--scheme", "training", "--until", "2022-01-10",
             "--reason", "illness"]  # fmt: skip
    assert person("register", "leave", OLD_DUF, *leave).exit_code == 0
    hours = ["--date", "2025-03-10", "--period", "2025-03", "--norwegian-hours", "10"]
    assert person("register", "hours", OLD_DUF, *hours).exit_code == 0


def test_integreringsloven_window_is_three_years(person: CliFn) -> None:
    """A refugee under integreringsloven whose permit was 10 Jan 2023: the window ends
    10 Jan 2026, and a start after it looks wrong."""
    late_permit = [
        "--duf", "202390000200", "--first-name", "Ny", "--last-name", "Test", "--birth-date",
        "1990-01-01", "--residence-basis", "refugee", "--permit-date", "2023-01-10",
    ]  # fmt: skip
    assert person("person", "add", *late_permit).exit_code == 0
    start = ["--date", "2026-01-11", "--scheme", "training"]
    assert "(2026-01-10: 36 months" in refused(person("register", "start", "202390000200", *start))
    on_the_day = ["--date", "2026-01-10", "--scheme", "training"]
    assert person("register", "start", "202390000200", *on_the_day).exit_code == 0


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
    refused(person("registration", "edit", reg_id, "--date", "2025-06-01"))
    assert (
        person(
            "registration", "edit", reg_id, "--date", "2025-06-01", "--accept-implausible"
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
