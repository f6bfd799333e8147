"""`nir sandbox course` through the installed `nir`, on a real sandbox (registry and store):
each lesson's check fails on a fresh sandbox and passes once its solution's commands, as
`show N --solution` prints them, have run; the list follows; a reset starts it afresh."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_sandbox import free_port

NIR = shutil.which("nir")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(NIR is None, reason="nir not installed")]
PIPED_PASSWORD = "printf '%s\\n' "


class Nir:
    def __init__(self, home: Path) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NIR_")},
            "NIR_HOME": str(home),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # never a real keyring
        }

    def __call__(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [NIR or "", *args], input=stdin, capture_output=True, text=True, timeout=180,
            env=self.env,
        )  # fmt: skip

    def line(self, line: str) -> subprocess.CompletedProcess[str]:
        """A solution's line as printed: `nir ...`, or `printf '%s\\n' PW | nir ...`."""
        stdin = None
        if line.startswith(PIPED_PASSWORD):
            piped, line = line.split(" | ", 1)
            stdin = shlex.split(piped)[2] + "\n"
        words = shlex.split(line)
        assert words[0] == "nir", line
        return self(*words[1:], stdin=stdin)


@pytest.fixture
def nir(tmp_path: Path) -> Iterator[Nir]:
    run = Nir(tmp_path / "home")
    started = run("sandbox", "start", "--port", str(free_port()))
    assert started.returncode == 0, started.stderr
    try:
        yield run
    finally:
        run("sandbox", "stop")


def _lessons(nir: Nir) -> dict[int, bool]:
    listed = nir("sandbox", "course", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    return {row["lesson"]: row["done"] for row in json.loads(listed.stdout)}


def test_each_lesson_fails_on_a_fresh_sandbox_and_passes_after_its_solution(nir: Nir) -> None:
    assert _lessons(nir) == dict.fromkeys(range(1, 7), False)
    for number in range(1, 7):
        before = nir("sandbox", "course", "check", str(number))
        assert before.returncode == 1, (number, before.stdout, before.stderr)
        assert "✗" in before.stdout
        shown = nir("sandbox", "course", "show", str(number), "--solution")
        assert shown.returncode == 0, shown.stderr
        solution = shown.stdout.split("Solution:", 1)[1].strip().splitlines()
        assert solution, number
        for line in solution:
            done = nir.line(line.strip())
            if number == 4 and "timer-med-feil" in line:
                assert done.returncode == 65, done.stderr  # the file with its two errors
                assert "timer-med-feil.csv:3" in done.stderr
                assert "timer-med-feil.csv:4" in done.stderr
            elif "course check" not in line:
                assert done.returncode == 0, (line, done.stdout, done.stderr)
        after = nir("sandbox", "course", "check", str(number))
        assert after.returncode == 0, (number, after.stdout, after.stderr)
        assert "✗" not in after.stdout
    assert _lessons(nir) == dict.fromkeys(range(1, 7), True)
    reset = nir("sandbox", "reset")
    assert reset.returncode == 0, reset.stderr
    assert _lessons(nir) == dict.fromkeys(range(1, 7), False)


def test_a_wrong_answer_and_a_wrong_correction_are_told_apart_from_right_ones(nir: Nir) -> None:
    wrong = nir("sandbox", "course", "check", "1", "--answer", "9999")
    assert wrong.returncode == 1
    assert "9999" in wrong.stdout
    assert "missing --rule claim-without-decision" in wrong.stdout
    # Lesson 3 asks for a correction, not a second registration of the same month.
    text = nir("sandbox", "course", "show", "3", "--solution").stdout.split("Solution:")[1]
    edit = next(line for line in text.splitlines() if "registration edit" in line)
    ident = shlex.split(edit)[5]
    history = nir("--profile", "sandbox", "history", "201212345603", "--format", "json")
    shown = next(r for r in json.loads(history.stdout) if r["id"] == ident)
    added = nir(
        "--profile", "sandbox", "register", "hours", "201212345603",
        "--date", shown["fact_date"], "--period", shown["details"]["period"],
        "--norwegian-hours", "42",
    )  # fmt: skip
    checked = nir("sandbox", "course", "check", "3")
    assert checked.returncode == 1
    if added.returncode == 0:  # nir took it as a second registration of the month
        assert "correct the one, don't add another" in checked.stdout
    else:  # or refused the duplicate: the lesson is still not done either way
        assert "no new version" in checked.stdout


def test_the_lessons_speak_bokmal_and_english(nir: Nir) -> None:
    for lang, words in (("en", "Solution:"), ("nb", "Løsning:")):
        shown = nir("--lang", lang, "sandbox", "course", "show", "2", "--solution")
        assert shown.returncode == 0, shown.stderr
        assert words in shown.stdout
        assert "201212345603" in shown.stdout
