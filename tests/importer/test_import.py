"""nir import and nir export through the CLI, on files like the ones people really have."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import TEST_DUF, TEST_FNR, CliFn, snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def counts(result_stdout: str) -> dict[str, int]:
    data = json.loads(result_stdout)
    return {k: data[k] for k in ("created", "changed", "unchanged", "rejected")}


@pytest.fixture
def examples(profile: CliFn) -> CliFn:
    for name in ("deltakere.csv", "registreringer.csv"):
        assert profile("import", str(EXAMPLES / name)).exit_code == 0
    return profile


def test_example_files_import_and_reimport_unchanged(examples: CliFn, store_file: Path) -> None:
    before = snapshot(store_file)
    result = examples("import", str(EXAMPLES / "registreringer.csv"))
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("0 created, 0 changed, 14 unchanged")
    assert snapshot(store_file) == before


def test_single_kind_file_with_english_headers(examples: CliFn) -> None:
    result = examples(
        "import", str(EXAMPLES / "timer-2026-01.csv"), "--kind", "hours", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert counts(result.stdout) == {"created": 4, "changed": 0, "unchanged": 0, "rejected": 0}


def test_an_import_writes_outbox_rows_like_the_commands(examples: CliFn, store_file: Path) -> None:
    tables = snapshot(store_file)
    assert len(tables["persons"]) == 6
    assert len(tables["registrations"]) == 14
    assert len([r for r in tables["outbox"] if r[1] == "registration"]) == 14
    assert len([r for r in tables["outbox"] if r[1] == "person"]) == 6


@pytest.mark.parametrize(
    ("encoding", "bom", "newline", "delimiter"),
    [("utf-8", "", "\n", ";"), ("utf-8", "\ufeff", "\r\n", ","), ("cp1252", "", "\r\n", "\t")],
)
def test_encodings_delimiters_and_line_ends(
    profile: CliFn, tmp_path: Path, encoding: str, bom: str, newline: str, delimiter: str
) -> None:
    header = [
        "DUF-nummer",
        "Fødselsnummer",
        "FORNAVN",
        " etternavn ",
        "Oppholdsgrunnlag",
        "Tillatelsesdato",
    ]
    row = [TEST_DUF, TEST_FNR, "Kari", "Nordmann", "Flyktning", "1.6.2025"]
    text = bom + newline.join(delimiter.join(r) for r in (header, row)) + newline
    path = write(tmp_path / "p.csv", text, encoding)
    result = profile("import", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert counts(result.stdout)["created"] == 1
    shown = json.loads(profile("person", "show", TEST_DUF, "--format", "json").stdout)
    assert shown["residence_basis"] == "refugee"
    assert shown["permit_date"] == "2025-06-01"


def test_bytes_that_are_neither_utf8_nor_cp1252_are_refused_with_the_offset(
    profile: CliFn, tmp_path: Path, store_file: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"duf;fornavn\n201212345603;K\x81ari\n")
    before = snapshot(store_file)
    result = profile("import", str(path), "--kind", "persons")
    assert result.exit_code == 65
    assert "invalid byte at offset 26" in result.stderr
    assert "undefined byte at offset 26" in result.stderr
    assert snapshot(store_file) == before


def test_all_or_nothing_lists_every_problem_and_writes_nothing(
    person: CliFn, tmp_path: Path, store_file: Path
) -> None:
    path = write(
        tmp_path / "h.csv",
        (
            "duf;dato;periode;norsktimer\n"
            f"{TEST_DUF};31.01.2026;01.2026;40\n"
            f"{TEST_DUF};28.02.2026;02.2026;-3\n"
            f"200205705502;31.03.2026;03.2026;3\n"
            f"{TEST_DUF};31.02.2026;02.2026;3\n"
        ),
    )
    before = snapshot(store_file)
    result = person("import", str(path), "--kind", "timer")
    assert result.exit_code == 65
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: 3 invalid rows in {path}; nothing was imported"
    assert f"{path}:3: column norsktimer: Input should be greater than or equal to 0" in lines[1]
    assert f"{path}:4: column duf: no person with DUF number 200205705502" in lines[2]
    assert f"{path}:5: column dato: '31.02.2026' is not a calendar date" in lines[3]
    assert snapshot(store_file) == before


def test_a_personal_number_is_never_echoed(person: CliFn, tmp_path: Path) -> None:
    unknown = "15819000147"  # another synthetic number, not in the store
    path = write(
        tmp_path / "h.csv", f"fnr;dato;periode;norsktimer\n{unknown};31.01.2026;2026-01;4\n"
    )
    result = person("import", str(path), "--kind", "hours")
    assert result.exit_code == 65
    assert "no person with that fødselsnummer" in result.stderr
    assert unknown not in result.stderr


def test_skip_invalid_writes_rejects_that_can_be_fixed_and_reimported(
    person: CliFn, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "h.csv",
        (
            "duf;dato;periode;norsktimer\n"
            f"{TEST_DUF};31.01.2026;01.2026;40\n"
            f"{TEST_DUF};28.02.2026;02.2026;-3\n"
        ),
    )
    rejects = tmp_path / "avvist.csv"
    result = person(
        "import",
        str(path),
        "--kind",
        "hours",
        "--skip-invalid",
        "--rejects",
        str(rejects),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert counts(result.stdout) == {"created": 1, "changed": 0, "unchanged": 0, "rejected": 1}
    text = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "duf;dato;periode;norsktimer;error"
    assert text[1].startswith(f"{TEST_DUF};28.02.2026;02.2026;-3;column norsktimer:")
    fixed = write(
        tmp_path / "fixed.csv",
        "\n".join(line.rsplit(";", 1)[0].replace(";-3", ";3") for line in text) + "\n",
    )
    again = person("import", str(fixed), "--kind", "hours", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert counts(again.stdout)["created"] == 1


def test_dry_run_counts_exactly_and_writes_nothing(profile: CliFn, store_file: Path) -> None:
    before = snapshot(store_file)
    result = profile("import", str(EXAMPLES / "deltakere.csv"), "--dry-run")
    assert result.exit_code == 0
    assert "dry run, nothing written: would be 6 created, 0 changed, 0 unchanged" in result.stdout
    assert snapshot(store_file) == before


def test_a_changed_row_is_a_new_version_with_an_outbox_row(
    person: CliFn, tmp_path: Path, store_file: Path
) -> None:
    first = write(
        tmp_path / "a.csv", f"duf,date,period,norwegian_hours\n{TEST_DUF},2026-01-31,2026-01,40\n"
    )
    person("import", str(first), "--kind", "hours")
    second = write(
        tmp_path / "b.csv", f"duf,date,period,norwegian_hours\n{TEST_DUF},2026-01-31,2026-01,42\n"
    )
    result = person("import", str(second), "--kind", "hours", "--format", "json")
    assert counts(result.stdout)["changed"] == 1
    history = json.loads(person("history", TEST_DUF, "--format", "json").stdout)
    assert [(r["version"], r["details"]["norwegian_hours"]) for r in history] == [(2, 42.0)]
    outbox = [r for r in snapshot(store_file)["outbox"] if r[1] == "registration"]
    assert sorted(str(r[6]) for r in outbox) == ["pending", "superseded"]


def test_duplicates_within_one_file(person: CliFn, tmp_path: Path) -> None:
    same = write(
        tmp_path / "same.csv",
        (
            "duf,date,kind,scheme\n"
            f"{TEST_DUF},2025-08-20,claim,training\n{TEST_DUF},2025-08-20,claim,training\n"
        ),
    )
    result = person("import", str(same), "--format", "json")
    assert counts(result.stdout) == {"created": 1, "changed": 0, "unchanged": 1, "rejected": 0}
    other = write(
        tmp_path / "other.csv",
        (
            "duf,date,period,norwegian_hours\n"
            f"{TEST_DUF},2026-01-31,2026-01,40\n{TEST_DUF},2026-01-31,2026-01,41\n"
        ),
    )
    result = person("import", str(other), "--kind", "hours")
    assert result.exit_code == 65
    assert "the same hours for scheme=training period=2026-01 as line 2 with other values" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("\n\n", "the file is empty"),
        ("duf;fornavn;vekt\n", "column 'vekt' is not a known column"),
        ("duf;fornavn;First name\n", "columns 'fornavn' and 'First name' are both first_name"),
        ("duf;;fornavn\n", "column 2 has no name"),
        ('duf;fornavn\n"201212345603;Kari\n', "malformed CSV"),
        ("duf;dato\n", "cannot tell what the file holds"),
    ],
)
def test_bad_files_are_refused(profile: CliFn, tmp_path: Path, text: str, message: str) -> None:
    result = profile("import", str(write(tmp_path / "x.csv", text)))
    assert result.exit_code == 65
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_header_only_is_zero_rows(profile: CliFn, tmp_path: Path) -> None:
    result = profile("import", str(write(tmp_path / "x.csv", "duf;fornavn;etternavn\n")))
    assert result.exit_code == 0
    assert "0 persons rows: 0 created, 0 changed, 0 unchanged" in result.stdout


def test_ragged_rows_are_reported_by_line(profile: CliFn, tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "duf;fornavn;etternavn\n201212345603;Kari\n")
    result = profile("import", str(path))
    assert result.exit_code == 65
    assert f"{path}:2: 2 fields, but the header has 3" in result.stderr


def test_unknown_columns_can_be_ignored(profile: CliFn, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "deltakere.csv", tmp_path / "d.csv")
    lines = (tmp_path / "d.csv").read_text(encoding="utf-8-sig").splitlines()
    text = "\n".join(f"{line};kommentar" for line in lines) + "\n"
    path = write(tmp_path / "d2.csv", text)
    assert profile("import", str(path)).exit_code == 65
    assert profile("import", str(path), "--ignore-unknown-columns").exit_code == 0


def test_stdin(profile: CliFn) -> None:
    text = (EXAMPLES / "deltakere.csv").read_text(encoding="utf-8-sig")
    result = profile("import", "-", input=text)
    assert result.exit_code == 0, result.stderr
    assert "<stdin>: 6 persons rows: 6 created" in result.stdout


def test_missing_file_is_exit_66(profile: CliFn) -> None:
    result = profile("import", "nope.csv")
    assert result.exit_code == 66
    assert "nope.csv: no such file" in result.stderr


@pytest.mark.parametrize("extra", [[], ["--excel"]])
def test_export_reimports_as_nothing_changed(
    examples: CliFn, tmp_path: Path, extra: list[str]
) -> None:
    examples("import", str(EXAMPLES / "timer-2026-01.csv"), "--kind", "hours")
    for what in ("persons", "registrations"):
        out = tmp_path / f"{what}.csv"
        assert examples("export", what, "-o", str(out), *extra).exit_code == 0
        assert oct(out.stat().st_mode & 0o777) == "0o600"
        result = examples("import", str(out), "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert counts(result.stdout)["created"] == 0
        assert counts(result.stdout)["changed"] == 0


def test_excel_export_has_bom_semicolons_and_decimal_commas(examples: CliFn) -> None:
    examples("import", str(EXAMPLES / "timer-2026-01.csv"), "--kind", "hours")
    result = examples("export", "registrations", "--excel")
    assert result.stdout.startswith("\ufeffid;duf;fnr;kind;scheme;date;")
    assert ";42,5;" in result.stdout


def test_json_export_is_an_array_with_unmasked_numbers(person: CliFn) -> None:
    rows = json.loads(person("export", "persons", "--format", "json").stdout)
    assert rows[0]["fnr"] == TEST_FNR
    assert json.loads(person("export", "registrations", "--format", "json").stdout) == []


def test_register_refuses_a_second_registration_with_the_same_key(person: CliFn) -> None:
    person(
        "register",
        "hours",
        TEST_DUF,
        "--date",
        "2026-01-31",
        "--period",
        "2026-01",
        "--norwegian-hours",
        "40",
    )
    result = person(
        "register",
        "hours",
        TEST_DUF,
        "--date",
        "2026-01-31",
        "--period",
        "2026-01",
        "--norwegian-hours",
        "41",
    )
    assert result.exit_code == 65
    assert "hours for scheme=training period=2026-01 is already registered" in result.stderr
    assert "nir registration edit" in result.stderr


def test_two_new_rows_with_one_fnr_are_refused_not_crashed(
    profile: CliFn, tmp_path: Path, store_file: Path
) -> None:
    path = write(
        tmp_path / "p.csv",
        (
            "duf;fnr;fornavn;etternavn;oppholdsgrunnlag;tillatelsesdato\n"
            f"{TEST_DUF};{TEST_FNR};Kari;Nordmann;refugee;2025-06-01\n"
            f"200205705502;{TEST_FNR};Kari;Nordmann;refugee;2025-06-01\n"
        ),
    )
    before = snapshot(store_file)
    result = profile("import", str(path))
    assert result.exit_code == 65
    assert "column fnr: the same fødselsnummer as line 2 with other values" in result.stderr
    assert snapshot(store_file) == before


def test_a_fact_date_before_birth_is_a_row_problem_with_its_column(
    person: CliFn, tmp_path: Path, store_file: Path
) -> None:
    """The check that needs the person words its problem by the file's own column and line,
    and --skip-invalid imports the valid rows and puts this one in the rejects file."""
    source = write(
        tmp_path / "krav.csv",
        f"DUF-nummer;Type;Ordning;Dato\n{TEST_DUF};krav/søknad;training;2025-08-20\n"
        f"{TEST_DUF};start;training;1980-01-01\n",
    )
    before = snapshot(store_file)
    refused = person("import", str(source))
    assert refused.exit_code == 65
    assert f"{source}:3: column Dato: the fact date is before the person's birth date" in (
        refused.stderr
    )
    assert "--date" not in refused.stderr
    assert snapshot(store_file) == before
    rejects = tmp_path / "avvist.csv"
    skipped = person(
        "import", str(source), "--skip-invalid", "--rejects", str(rejects), "--format", "json"
    )
    assert skipped.exit_code == 0, skipped.stderr
    assert counts(skipped.stdout) == {"created": 1, "changed": 0, "unchanged": 0, "rejected": 1}
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "1980-01-01" in lines[1]
    assert "column Dato: the fact date is before the person's birth date" in lines[1]


def test_the_rows_of_one_file_are_checked_against_each_other(person: CliFn, tmp_path: Path) -> None:
    """As against the store: an end before its start, two starts without an end or a stop,
    a decision before the claim it answers; exit 65 with FILE:LINE, nothing written."""
    cases = {
        "end-before-start": (
            f"{TEST_DUF};oppstart;01.10.2025;opplæring;\n"
            f"{TEST_DUF};avslutning;01.09.2025;opplæring;\n",
            "3: column dato: the end (2025-09-01) is before its start (2025-10-01, line 2)",
        ),
        "two-starts": (
            f"{TEST_DUF};oppstart;01.10.2025;opplæring;\n"
            f"{TEST_DUF};oppstart;01.11.2025;opplæring;\n",
            "3: column dato: a second start (2025-11-01) without an end or a stop after the "
            "first (2025-10-01, line 2)",
        ),
        "decision-before-claim": (
            f"{TEST_DUF};vedtak;01.09.2025;opplæring;innvilget\n"
            f"{TEST_DUF};krav;01.10.2025;opplæring;\n",
            "3: column dato: the claim (2025-10-01) is after its decision (2025-09-01, line 2)",
        ),
    }
    for name, (rows, said) in cases.items():
        csv = tmp_path / f"{name}.csv"
        csv.write_text("duf;type;dato;ordning;utfall\n" + rows, encoding="utf-8")
        result = person("import", str(csv))
        assert result.exit_code == 65, (name, result.stderr)
        assert f"{csv}:{said}" in result.stderr, (name, result.stderr)
        assert json.loads(person("history", TEST_DUF, "--format", "json").stdout) == []
    # A stop between two starts is a pause: both are taken.
    paused = tmp_path / "paused.csv"
    paused.write_text(
        "duf;type;dato;ordning;årsak\n"
        f"{TEST_DUF};oppstart;01.10.2025;opplæring;\n"
        f"{TEST_DUF};stans;15.10.2025;opplæring;invalid_absence\n"
        f"{TEST_DUF};oppstart;01.11.2025;opplæring;\n",
        encoding="utf-8",
    )
    done = person("import", str(paused))
    assert done.exit_code == 0, done.stderr


def test_a_registration_id_of_another_person_is_refused(examples: CliFn, tmp_path: Path) -> None:
    """The client agrees with the registry: a registration stays on its person. An import
    naming an existing registration's id on another person is 65 by FILE:LINE, and nothing
    is written (the registry would refuse the version: invalid person_id)."""
    history = json.loads(examples("history", "202490000003", "--format", "json").stdout)
    taken = history[0]["id"]
    csv = tmp_path / "flyttet.csv"
    csv.write_text(
        f"id;duf;type;dato;ordning\n{taken};202590000110;krav;01.06.2025;opplæring\n",
        encoding="utf-8",
    )
    before = examples("history", "202590000110", "--format", "json").stdout
    result = examples("import", str(csv))
    assert result.exit_code == 65
    assert f"{csv}:2: column id: this registration id belongs to another person" in result.stderr
    assert examples("history", "202590000110", "--format", "json").stdout == before
