"""Docs that must match the code."""

import re
from pathlib import Path

from nir_cli.core.errors import EXIT_CODE_MEANINGS, ExitCode
from nir_cli.domain.enums import Coded, Kind

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_exit_code_table_matches_the_code() -> None:
    text = (DOCS / "exit-codes.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert f"| {int(code)} | `{code.name}` | {EXIT_CODE_MEANINGS[code]} |" in text


def test_glossary_names_every_kind_and_every_closed_set() -> None:
    text = (DOCS / "glossary.md").read_text(encoding="utf-8")
    for kind in Kind:
        assert f"`{kind.value}`" in text, kind
    import nir_cli.domain.enums as enums

    for value in vars(enums).values():
        if isinstance(value, type) and issubclass(value, Coded) and value is not Coded:
            assert f"`{value.__name__}`" in text, value.__name__


def test_import_page_lists_every_column_name() -> None:
    from nir_cli.importer.columns import COMMON_ALIASES, PERSON_ALIASES, REGISTRATION_ALIASES

    text = (DOCS / "import.md").read_text(encoding="utf-8")
    for table in (COMMON_ALIASES, PERSON_ALIASES, REGISTRATION_ALIASES):
        for name, aliases in table.items():
            assert f"`{name}`" in text, name
            for alias in aliases:
                assert f"`{alias}`" in text, alias


def test_rules_page_describes_every_rule() -> None:
    from nir_cli.rules.catalogue import RULES

    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| `{rule.id}` | {rule.scheme} | {rule.regimes} | {rule.english} |" in text


def test_packaged_examples_are_the_examples_folder() -> None:
    """nir sandbox demo ships copies of examples/; they must not drift apart."""
    root = DOCS.parent
    for path in sorted((root / "examples").glob("*.csv")):
        packaged = root / "nir_cli" / "data" / "examples" / path.name
        assert packaged.read_bytes() == path.read_bytes(), path.name


def test_import_page_lists_every_value_a_cell_may_hold() -> None:
    from nir_cli.domain import enums

    text = (DOCS / "import.md").read_text(encoding="utf-8")
    for cls in (
        enums.Regime,
        enums.ResidenceBasis,
        enums.Scheme,
        enums.Kind,
        enums.Level,
        enums.Test,
        enums.Decision,
        enums.EndReason,
        enums.MainActivity,
        enums.ExemptionFrom,
        enums.ExemptionBasis,
        enums.LeaveReason,
        enums.StopReason,
        enums.AppealOutcome,
        enums.ProgrammeElement,
        enums.FinalGoal,
        enums.CourseName,
        enums.MeasureStatus,
    ):
        for member in cls:
            assert f"`{member.value}` ({member.norwegian})" in text, member


def test_every_situation_in_the_exit_code_table_names_a_test_that_exists() -> None:
    import re

    text = (DOCS / "exit-codes.md").read_text(encoding="utf-8")
    table = text.split("## One code per situation", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "`test_" in line]
    assert len(rows) >= 14
    sources = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.parent.glob("tests/**/*.py"))
    for row in rows:
        for name in re.findall(r"`(test_\w+)`", row):
            assert f"def {name}(" in sources, f"{name} (exit-codes.md) is not a test"


def test_every_row_of_the_threat_model_names_a_test_that_exists() -> None:
    import re

    text = (DOCS / "registry.md").read_text(encoding="utf-8")
    table = text.split("## Threat model", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) >= 15
    sources = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.parent.glob("tests/**/*.py"))
    for row in rows[1:]:
        names = re.findall(r"`(test_\w+)`", row)
        files = re.findall(r"`(tests/[\w/]+\.py)`", row)
        assert names or files, row
        for name in names:
            assert f"def {name}(" in sources, f"{name} (registry.md) is not a test"
        for file in files:
            assert (DOCS.parent / file).exists(), file


def test_domain_page_lists_every_dated_fact_of_the_law() -> None:
    from nir_cli.domain.law import FACTS

    def cell(value: object) -> str:
        return "" if value is None else getattr(value, "isoformat", lambda: str(value))()

    text = (DOCS / "domain.md").read_text(encoding="utf-8")
    for fact in FACTS:
        row = (
            f"| `{fact.name}` | {cell(fact.value)} | {cell(fact.start)} | {cell(fact.end)} | "
            f"{fact.meaning} | {fact.source} | {fact.checked.isoformat()} |"
        )
        assert row in text, fact.name


def test_the_changelog_s_newest_release_is_this_version() -> None:
    from nir_cli import __version__

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, re.M)
    assert releases, "CHANGELOG.md has no release heading"
    assert releases[0][0] == __version__
    assert "## [Unreleased]" in text.split(f"## [{__version__}]")[0]


def test_version_names_the_schemas_the_code_carries() -> None:
    from click.testing import CliRunner

    from nir_cli.cli import cli
    from nir_cli.store.db import migrations

    shown = CliRunner().invoke(cli, ["--lang", "en", "--version"])
    assert shown.exit_code == 0
    newest = migrations()[-1][0]
    registry = migrations("nir_cli.registry.migrations")[-1][0]
    assert f"store schema {newest} " in shown.output
    assert f"registry schema {registry} (SQLite)" in shown.output
