"""The installed `nir` as a real subprocess: the done-when path of a case worker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PERSON_ARGS, TEST_DUF, TEST_FNR

NIR = shutil.which("nir") or ""
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not NIR, reason="nir is not installed on PATH"),
]


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIR_")}
    env["NIR_HOME"] = str(tmp_path / "home")

    def nir(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([NIR, *args], env=env, capture_output=True, text=True, timeout=60)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    return nir


def test_init_person_every_kind_and_history(run) -> None:  # type: ignore[no-untyped-def]
    from nir_cli.commands.register import EXAMPLE_PERSON, EXAMPLE_PERSONS, EXAMPLES
    from tests.conftest import SIXA_DUF, SIXA_PERSON_ARGS, SIXA_STARTED

    run("--profile", "test", "init", "--municipality", "5001")
    run("person", "add", *PERSON_ARGS)
    run("person", "add", *SIXA_PERSON_ARGS)
    for args in SIXA_STARTED:  # what chapter 6A's extended training needs first
        run("-q", *args)
    for kind, example in EXAMPLES.items():
        run(
            "-q",
            "register",
            kind.value,
            EXAMPLE_PERSONS.get(kind, EXAMPLE_PERSON),
            *example.split(),
        )
    history = json.loads(run("history", TEST_DUF, "--format", "json").stdout)
    history += json.loads(run("history", SIXA_DUF, "--format", "json").stdout)
    started = ["education", "start"]  # SIXA_STARTED
    assert sorted(r["kind"] for r in history) == sorted([*(k.value for k in EXAMPLES), *started])
    for row in history:
        assert row["deadline"] > row["fact_date"]
        assert row["state"] in {"pending", "overdue"}


def test_errors_are_one_clear_line_without_personal_numbers(run) -> None:  # type: ignore[no-untyped-def]
    run("init", "--municipality", "5001")
    result = run("person", "add", *PERSON_ARGS, check=False)
    assert result.returncode == 65
    assert result.stdout == ""
    assert result.stderr.startswith("Error: --fnr: synthetic fødselsnummer")
    assert TEST_FNR not in result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_and_version(run) -> None:  # type: ignore[no-untyped-def]
    import sys

    from nir_cli import __version__

    result = subprocess.run(
        [sys.executable, "-m", "nir_cli", "--version"], capture_output=True, text=True, check=True
    )
    assert __version__ in result.stdout
    assert __version__ in run("--version").stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completion_of_commands_and_kinds(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = Path(__file__).resolve().parents[2] / "completions" / "nir.bash"

    def complete(line: str) -> list[str]:
        words = line.split(" ")
        quoted = " ".join(repr(w) for w in words)
        probe = (
            f"source {script}; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
            "_nir_completion nir; printf '%s\\n' \"${COMPREPLY[@]}\""
        )
        out = subprocess.run(
            ["bash", "-c", probe],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "NIR_HOME": str(tmp_path)},
        )
        return out.stdout.split()

    assert complete("nir reg") == ["register", "registration", "registry"]
    kinds = complete("nir register ")
    assert "claim" in kinds
    assert "test-result" in kinds
    assert complete("nir register hours 201212345603 --scheme ") == ["training", "asylum"]
