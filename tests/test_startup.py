"""`nir --help` and `nir completion` must stay light: no pydantic, requests or store."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "pydantic",
    "requests",
    "sqlite_utils",
    "fastapi",
    "uvicorn",
    "keyring",
    "tabulate",
    "sqlite3",
    "stdnum",
    "dateutil",
)

PROBE = """
import json, sys
from nir_cli.cli import cli
try:
    cli.main({args!r}, prog_name="nir")
except SystemExit:
    pass
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})), file=sys.stderr)
"""


def modules_loaded_by(args: list[str], home: Path) -> set[str]:
    env = {**os.environ, "NIR_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["completion", "bash"],
        ["--version"],
        ["person", "--help"],
        ["register", "--help"],
    ],
)
def test_light_commands_import_nothing_heavy_and_touch_no_store(
    args: list[str], tmp_path: Path
) -> None:
    loaded = modules_loaded_by(args, tmp_path)
    assert not loaded & set(HEAVY), f"nir {' '.join(args)} imported {loaded & set(HEAVY)}"
    assert not any(tmp_path.iterdir()), "a light command created files"
