"""Completion in real bash, zsh and fish, with the generated scripts in completions/."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.posix,
    pytest.mark.skipif(shutil.which("nir") is None, reason="nir not installed"),
]


def env(home: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("NIR_")},
        "NIR_HOME": str(home),
    }


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish(tmp_path: Path) -> None:
    script = ROOT / "completions" / "nir.fish"

    def complete(line: str) -> list[str]:
        out = subprocess.run(
            ["fish", "-c", f"source {script}; complete -C '{line}'"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env(tmp_path),
        )
        return [row.split("\t")[0] for row in out.stdout.splitlines()]

    assert complete("nir reg") == ["register", "registration", "registry"]
    kinds = complete("nir register ")
    assert {"claim", "hours", "test-result"} <= set(kinds)
    assert "5001" in complete("nir init --municipality 500")


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_loads_and_completes(tmp_path: Path) -> None:
    script = ROOT / "completions" / "nir.zsh"
    loaded = subprocess.run(
        [
            "zsh",
            "-f",
            "-c",
            f"autoload -Uz compinit && compinit -u -d {tmp_path}/zcomp && "
            f"source {script} && print -r -- ${{_comps[nir]}}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env(tmp_path),
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "_nir_completion"
    # What the zsh function asks nir for, and what nir answers.
    answer = subprocess.run(
        ["nir"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **env(tmp_path),
            "_NIR_COMPLETE": "zsh_complete",
            "COMP_WORDS": "nir register ",
            "COMP_CWORD": "2",
        },
    )
    words = answer.stdout.splitlines()[1::3]
    assert {"claim", "hours", "test-result"} <= set(words)


def test_profiles_complete_from_the_config(tmp_path: Path) -> None:
    subprocess.run(
        ["nir", "-q", "init", "--profile", "kontor", "-m", "5001"], env=env(tmp_path), check=True
    )
    answer = subprocess.run(
        ["nir"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **env(tmp_path),
            "_NIR_COMPLETE": "bash_complete",
            "COMP_WORDS": "nir --profile k",
            "COMP_CWORD": "2",
        },
    )
    assert answer.stdout.strip() == "plain,kontor"
