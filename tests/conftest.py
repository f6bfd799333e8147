"""Shared fixtures: an isolated NIR_HOME, a CLI runner that keeps stdout and stderr apart,
and a test profile with the synthetic test person."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from nir_cli.cli import cli as nir_cli

# The suite speaks English unless a test asks for bokmål (--lang nb, NIR_LANG=nb, LANG=nb_NO):
# a developer whose own locale is Norwegian gets the same answers as CI. Subprocesses inherit it.
os.environ["NIR_LANG"] = "en"

# Hypothesis: the full example counts in CI (HYPOTHESIS_PROFILE=ci, set by .ci/run), a fifth of
# them on a developer's machine, so the suite stays quick to run while working.
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
settings.register_profile("ci", settings(max_examples=100))
settings.register_profile("dev", settings(max_examples=25))
settings.load_profile(HYPOTHESIS_PROFILE)


def examples(full: int) -> int:
    """A property test's example count: `full` in CI, a fifth (at least 10) elsewhere."""
    return full if HYPOTHESIS_PROFILE == "ci" else max(10, full // 5)


# The training sandbox's test person (BRIEF 1.6): DUF with valid check digits, and a synthetic
# fødselsnummer (month + 80) for 15 Jan 1990.
TEST_DUF = "201212345603"
TEST_FNR = "15819000066"
OTHER_DUF = "200205705502"

PERSON_ARGS = [
    "--duf",
    TEST_DUF,
    "--fnr",
    TEST_FNR,
    "--first-name",
    "Kari",
    "--last-name",
    "Nordmann",
    "--residence-basis",
    "refugee",
    "--permit-date",
    "2025-06-01",
    "--settlement-date",
    "2025-08-15",
]

# A person under chapter 6A (collective protection from 2022), for what only they may have.
SIXA_DUF = "202390000609"
SIXA_PERSON_ARGS = [
    "--duf", SIXA_DUF, "--first-name", "Olena", "--last-name", "Test",
    "--birth-date", "1985-04-02", "--residence-basis", "collective_protection",
    "--permit-date", "2023-03-01", "--settlement-date", "2023-04-15",
]  # fmt: skip


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> object:
        return json.loads(self.stdout)


CliFn = Callable[..., Run]


@pytest.fixture
def nir_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "nir-home"
    monkeypatch.setenv("NIR_HOME", str(home))
    for name in ("NIR_PROFILE", "NIR_DB", "NIR_QUIET", "NIR_VERBOSE", "NIR_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def cli(nir_home: Path) -> CliFn:
    """Run `nir ARGS...` in-process; exit code, stdout and stderr kept apart."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Run:
        result = runner.invoke(nir_cli, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def profile(cli: CliFn) -> CliFn:
    """A test profile for 5001 Trondheim, made the default."""
    result = cli("init", "--profile", "test", "--municipality", "5001", "--place", "Sentrum")
    assert result.exit_code == 0, result.stderr
    return cli


@pytest.fixture
def person(profile: CliFn) -> CliFn:
    """The profile plus the synthetic test person."""
    result = profile("person", "add", *PERSON_ARGS)
    assert result.exit_code == 0, result.stderr
    return profile


@pytest.fixture
def store_file(nir_home: Path) -> Path:
    return nir_home / "data" / "test.db"


def store_before(path: Path, migration: int) -> sqlite3.Connection:
    """A store file as an older nir left it: migrated up to, not including, `migration`."""
    from nir_cli.store.db import _statements, migrations

    conn = sqlite3.connect(path, isolation_level=None)
    for number, _name, sql in migrations():
        if number < migration:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
    return conn


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: to prove that a refused command changed nothing."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def unchanged(store_file: Path) -> Iterator[None]:
    """Asserts the store is exactly as before the test body ran."""
    before = snapshot(store_file)
    yield
    assert snapshot(store_file) == before
