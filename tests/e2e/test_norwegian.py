"""The installed `nir` under a Norwegian locale (LANG=nb_NO.UTF-8, no --lang, no NIR_LANG): the
sandbox demo, an import with errors, missing, overdue and a report speak bokmål, and every
`--format json` answer is the one an English locale gets."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PERSON_ARGS, TEST_DUF

NIR = shutil.which("nir")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NIR is None, reason="nir is not installed on PATH"),
]
# Words of English prose that bokmål output has no business containing (codes, option names
# and commands aside, which are stripped before looking).
ENGLISH = frozenset(
    {
        *("the", "and", "with", "from", "was", "were", "has", "have", "not", "registry"),
        *("registration", "registrations", "persons", "pending", "overdue"),
        *("missing", "deadline", "since", "rows", "imported", "error", "line", "column"),
    }
)
CODE = re.compile(r"`[^`]*`|--[a-z-]+|\bnir [a-z].*|\b[a-z]+(?:[_-][a-z]+)+\b|https?://\S+|/\S+")

Nir = Callable[..., subprocess.CompletedProcess[str]]


def english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]+", CODE.sub(" ", text)) if w.lower() in ENGLISH}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def runner(home: Path, locale: str) -> Nir:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIR_", "LC_"))}
    env |= {"NIR_HOME": str(home), "LANG": locale}

    def nir(*args: str, code: int | None = 0) -> subprocess.CompletedProcess[str]:
        assert NIR is not None
        said = subprocess.run([NIR, *args], env=env, capture_output=True, text=True, timeout=120)
        if code is not None:
            assert said.returncode == code, said.stderr
        return said

    return nir


@pytest.fixture
def nb(home: Path) -> Nir:
    return runner(home, "nb_NO.UTF-8")


@pytest.fixture
def en(home: Path) -> Nir:
    return runner(home, "en_GB.UTF-8")


def test_the_sandbox_demo_narrates_in_bokmal(nb: Nir, en: Nir) -> None:
    said = nb("sandbox", "demo")
    text = said.stdout + said.stderr
    assert not english_words(text), sorted(english_words(text))
    assert "Feil" not in said.stderr
    english = en("sandbox", "demo")
    assert english_words(english.stdout + english.stderr), "the check itself finds English"


def test_an_import_with_errors_says_where_in_bokmal(nb: Nir, en: Nir, tmp_path: Path) -> None:
    nb("init", "--profile", "test", "--municipality", "5001")
    bad = tmp_path / "deltakere.csv"
    bad.write_text(
        "duf;fornavn;etternavn;fodselsdato;oppholdsgrunnlag;tillatelsesdato\n"
        f"{TEST_DUF};Kari;Nordmann;31.02.1990;flyktning;01.06.2025\n",
        encoding="utf-8",
    )
    said = nb("import", str(bad), code=None)
    english = en("import", str(bad), code=None)
    assert said.returncode == english.returncode != 0
    assert said.stderr.startswith("Feil: "), said.stderr
    assert "deltakere.csv" in said.stderr
    assert "fodselsdato" in said.stderr
    assert not english_words(said.stderr), said.stderr
    assert nb("person", "list", "--format", "json").stdout.strip() in ("", "[]")


def test_missing_overdue_and_a_report_in_bokmal_with_the_same_json(nb: Nir, en: Nir) -> None:
    nb("init", "--profile", "test", "--municipality", "5001")
    nb("person", "add", *PERSON_ARGS)
    nb("register", "krav", TEST_DUF, "--date", "2025-08-01", "--scheme", "opplæring")
    for args, heading in (
        (("missing",), "regel"),
        (("overdue",), "frist"),
        (("report", "timeliness"), "innen fristen"),
    ):
        said = nb(*args, code=None)
        assert said.returncode in (0, 3), said.stderr
        assert heading in said.stdout.splitlines()[0], said.stdout
        assert not english_words(said.stdout + said.stderr), (args, said.stdout + said.stderr)
        in_norwegian = json.loads(nb(*args, "--format", "json", code=None).stdout)
        in_english = json.loads(en(*args, "--format", "json", code=None).stdout)
        assert in_norwegian == in_english
