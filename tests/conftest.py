"""Shared fixtures: an isolated NIR_HOME, a CLI runner that keeps stdout and stderr apart,
and a test profile with the synthetic test person."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
# What a decision on extended training for the chapter 6A person needs first: the education
# background, and the first start its gjennomføringsfrist counts from (1 Jun 2024 + 12 months).
SIXA_STARTED = [
    ["register", "education", SIXA_DUF, "--date", "2024-06-01", "--upper-secondary", "no"],
    ["register", "start", SIXA_DUF, "--date", "2024-06-01", "--scheme", "training"],
]


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
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


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes() -> Iterator[None]:
    """The registries the tests run in this process hash passwords with argon2id at its
    smallest cost: the production parameters (about 0.16 s per hash and per login on the CI
    machine) were a minute of the suite. The same code hashes and verifies; what the production
    hasher is, a test of its own checks (tests/registry/test_auth.py), and the registries the
    tests start as `nir registry serve` processes keep it."""
    from argon2 import PasswordHasher

    from nir_cli.registry import accounts

    hasher, dummy = accounts._HASHER, accounts._DUMMY
    accounts._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts._DUMMY = accounts._HASHER.hash("a password nobody has")
    yield
    accounts._HASHER, accounts._DUMMY = hasher, dummy


@pytest.fixture(autouse=True)
def _language_as_it_was() -> Iterator[None]:
    """Each test starts in the language the one before it started in: an in-process
    `nir --lang nb ...` changes the process's language, as it does for the one command a
    real process runs, and must not leave later tests (the Python API's) speaking bokmål."""
    from nir_cli.core import i18n

    before = i18n.language()
    yield
    i18n.use(before)


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


# -- PostgreSQL, for the registry's suite on its production store --------------------------------

POSTGRES_URL = os.environ.get(
    "NIR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# .ci/run sets this: there, a PostgreSQL test that would be skipped fails instead.
POSTGRES_REQUIRED = os.environ.get("NIR_REQUIRE_POSTGRES") == "1"


def _with_database(url: str, database: str, **query: str) -> str:
    from urllib.parse import quote, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}", query=urlencode(query, quote_via=quote)))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database for this test session on the PostgreSQL server of NIR_TEST_POSTGRES_URL
    (default: 127.0.0.1:5432, user postgres), dropped at the end. Without a server the test is
    skipped, saying how to run it; where NIR_REQUIRE_POSTGRES=1 (CI), it fails instead."""
    import uuid

    try:
        import psycopg
    except ImportError:
        _no_postgres("psycopg is not installed (pip install -e '.[test]')")
    name = f"nir_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        _no_postgres(f"no PostgreSQL at {POSTGRES_URL} ({str(exc).strip().splitlines()[0]})")
    try:
        yield _with_database(POSTGRES_URL, name)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _no_postgres(why: str) -> None:
    message = (
        f"{why}: the registry's PostgreSQL tests need a server; set NIR_TEST_POSTGRES_URL "
        "(e.g. postgresql://postgres@127.0.0.1:5432/postgres) to run them"
    )
    if POSTGRES_REQUIRED:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _postgres_schema(database_url: str) -> Iterator[str]:
    """A registry database of its own: a fresh schema in the session's database, chosen by the
    connection's search_path, dropped after."""
    import uuid

    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_database(
            database_url,
            database_url.rsplit("/", 1)[1].split("?", 1)[0],
            options=f"-csearch_path={schema}",
        )
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def postgres_url(postgres_database: str) -> Iterator[str]:
    """A PostgreSQL registry database for one test."""
    yield from _postgres_schema(postgres_database)


BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def registry_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's registry keeps its data: a SQLite file, then a PostgreSQL schema (the
    registry's suite runs on both)."""
    if request.param == "sqlite":
        return str(tmp_path / "registry.db")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="module", params=BACKENDS)
def module_registry_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`registry_database` for a registry a whole module shares."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("registry") / "registry.db")
        return
    yield from _postgres_schema(request.getfixturevalue("postgres_database"))


def big_import_files(folder: Path, persons: int = 3000) -> tuple[Path, Path]:
    """A persons file of `persons` synthetic persons, and a registrations file of a claim and
    a start for each: an import written in several chunks, each through the staging table."""
    from nir_cli.sandbox.synthetic import synthetic_duf

    dufs = [synthetic_duf(2020, n) for n in range(persons)]
    people = folder / "persons.csv"
    lines = ["duf;fornavn;etternavn;fødselsdato;oppholdsgrunnlag;tillatelsesdato"]
    lines += [f"{duf};N{n};E{n};1990-01-01;refugee;2025-06-01" for n, duf in enumerate(dufs)]
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")
    registrations = folder / "registrations.csv"
    rows = ["duf;type;dato;ordning"]
    for duf in dufs:
        rows += [f"{duf};krav;01.07.2025;opplæring", f"{duf};oppstart;01.09.2025;opplæring"]
    registrations.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return people, registrations
