"""PowerShell completion, without PowerShell: no pwsh installs here (neither Debian, PyPI nor
npm carry it), so the script `nir completion powershell` prints is read for what it asks of
PowerShell, and the completion it calls is run the way the script runs it: the installed
`nir` with the same environment, its answer parsed as the script parses it (three lines a
completion: type, value, help)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NIR = shutil.which("nir")
pytestmark = pytest.mark.skipif(NIR is None, reason="nir is not installed")


def _script() -> str:
    done = subprocess.run(
        [NIR or "", "completion", "powershell"], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_the_script_registers_a_native_completer_for_nir() -> None:
    script = _script()
    assert script == (ROOT / "completions" / "nir.ps1").read_text()
    assert re.search(r"Register-ArgumentCompleter -Native -CommandName nir -ScriptBlock", script)
    assert "$env:_NIR_COMPLETE = 'powershell_complete'" in script
    assert "$env:COMP_WORDS = $commandAst.ToString()" in script
    assert "& nir 2>$null" in script
    # What the script sets, it puts back: a completion leaves the session as it found it.
    for name in ("_NIR_COMPLETE", "COMP_WORDS", "COMP_CWORD"):
        assert re.search(rf"\$env:{name} = \$prev_", script), name
    assert script.count("{") == script.count("}")


def complete(line: str, home: Path) -> list[tuple[str, str, str]]:
    """What PowerShell would offer after typing `line`, as the script computes it."""
    elements = shlex.split(line)
    word = "" if line.endswith(" ") else elements[-1]
    cword = len(elements) - 1 if word else len(elements)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NIR_")},
        "NIR_HOME": str(home),
        "_NIR_COMPLETE": "powershell_complete",
        "COMP_WORDS": line.rstrip(),
        "COMP_CWORD": str(cword),
    }
    done = subprocess.run([NIR or ""], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    return [
        (lines[i], lines[i + 1], lines[i + 2])
        for i in range(0, len(lines) - 2, 3)
        if lines[i]  # the script skips an empty type
    ]


def test_commands_options_and_values_complete(tmp_path: Path) -> None:
    values = [value for _type, value, _help in complete("nir reg", tmp_path)]
    assert values == ["register", "registration", "registry"]
    kinds = {value for _type, value, _help in complete("nir register ", tmp_path)}
    assert {"claim", "hours", "test-result"} <= kinds
    assert "5001" in [v for _t, v, _h in complete("nir init --municipality 500", tmp_path)]
    shells = [v for _t, v, _h in complete("nir completion p", tmp_path)]
    assert shells == ["powershell"]
    # every completion is one the script can show: a type it knows and a help line
    for kind, _value, help_ in complete("nir ", tmp_path):
        assert kind in {"plain", "file", "dir"}
        assert help_


def test_a_file_argument_leaves_the_listing_to_powershell(tmp_path: Path) -> None:
    answer = complete("nir import ", tmp_path)
    assert answer
    assert {kind for kind, _value, _help in answer} == {"file"}
