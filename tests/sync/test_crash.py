"""kill -9 of `nir sync` at 22 injected points (and pairs of them), then a clean run: the local
store and the registry agree, and no registration is lost or stored twice."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from nir_cli.wire import Role
from tests.registry.conftest import Registry, run_registry
from tests.sync.conftest import EXAMPLES, records

NIR = shutil.which("nir") or ""
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not NIR, reason="nir not installed")]
TOTAL = 20  # 6 persons and 14 registrations in the example files

SCENARIOS = [
    ["before-remember:1"],
    ["before-remember:2"],
    ["before-send:1"],
    ["before-send:3"],
    ["after-send:1"],
    ["after-send:2"],
    ["after-send:4"],
    ["mid-apply:1"],
    ["mid-apply:3"],
    ["after-apply:1"],
    ["after-apply:4"],
    ["before-pull:1"],
    ["mid-pull:1"],
    ["after-pull-page:1"],
    ["after-send:1", "before-resend:1"],
    ["after-send:2", "after-resend:1"],
    ["after-send:1", "after-resend:1"],
    ["mid-apply:2", "before-resend:1"],
    ["mid-apply:1", "mid-apply:1"],
    ["after-send:3", "before-send:1"],
    ["before-send:2", "after-send:1"],
    ["after-send:1", "EDIT", "after-send:1"],
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A NIR_HOME with the example files imported, copied for every scenario."""
    home = tmp_path_factory.mktemp("template")
    env = _env(home, "http://127.0.0.1:9", "unused")
    subprocess.run(
        [NIR, "--profile", "test", "init", "-m", "5001"], env=env, check=True, capture_output=True
    )
    for name in ("deltakere.csv", "registreringer.csv"):
        subprocess.run(
            [NIR, "import", str(EXAMPLES / name)], env=env, check=True, capture_output=True
        )
    return home


def _env(home: Path, url: str, token: str, crash: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIR_")}
    env.update({"NIR_HOME": str(home), "NIR_TOKEN": token})
    if crash:
        env["NIR_TEST_CRASH_AT"] = crash
    return env


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Registry]:
    yield from run_registry(tmp_path / "registry.db")


def _point_at(home: Path, url: str) -> None:
    config = home / "config.toml"
    text = config.read_text()
    config.write_text(
        text.replace('environment = "test"', f'registry_url = "{url}"\nenvironment = "test"')
    )


@pytest.mark.parametrize("steps", SCENARIOS, ids=["+".join(s) for s in SCENARIOS])
def test_killed_syncs_converge(
    steps: list[str], template: Path, tmp_path: Path, live: Registry
) -> None:
    home = tmp_path / "home"
    shutil.copytree(template, home)
    _point_at(home, live.url)
    live.add_user("5001-sync", "5001", Role.TRANSFER)
    token = live.token("5001-sync")
    killed = 0
    for step in steps:
        if step == "EDIT":  # a case worker corrects a registration between the runs
            db = home / "data" / "test.db"
            reg = (
                sqlite3.connect(db)
                .execute("SELECT id FROM registrations WHERE kind = 'claim' LIMIT 1")
                .fetchone()[0]
            )
            subprocess.run(
                [NIR, "registration", "withdraw", reg, "--reason", "typo"],
                env=_env(home, live.url, token),
                check=True,
                capture_output=True,
            )
            continue
        run = subprocess.run(
            [NIR, "sync", "--batch-size", "6"],
            capture_output=True,
            env=_env(home, live.url, token, crash=step),
            timeout=120,
        )
        assert run.returncode in (-signal.SIGKILL, 0), run.stderr
        killed += run.returncode == -signal.SIGKILL
    assert killed >= 1, "no injected crash happened"
    final = subprocess.run(
        [NIR, "sync", "--batch-size", "6"],
        capture_output=True,
        text=True,
        env=_env(home, live.url, token),
        timeout=120,
    )
    assert final.returncode == 0, final.stderr
    db = home / "data" / "test.db"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    states = {row[0] for row in conn.execute("SELECT state FROM outbox")}
    assert states <= {"accepted", "superseded"}
    unaccepted = conn.execute(
        "SELECT count(*) FROM (SELECT registry_version, version FROM persons UNION ALL "
        "SELECT registry_version, version FROM registrations) "
        "WHERE registry_version IS NOT version"
    ).fetchone()[0]
    assert unaccepted == 0
    with live.db.session() as store:
        stored = store.query("SELECT id, version FROM records")
        per_version = store.query(
            "SELECT id, version, count(*) AS n FROM record_versions GROUP BY id, version"
        )
    local = records(db)
    assert len(stored) == TOTAL
    assert {r["id"]: r["version"] for r in stored} == {
        **{k: v[0] for k, v in local["persons"].items()},
        **{k: v[0] for k, v in local["registrations"].items()},
    }
    assert {row["n"] for row in per_version} == {1}  # no version stored twice
    # A second office pulling everything sees exactly the same.
    second = tmp_path / "second"
    env = _env(second, live.url, token)
    subprocess.run(
        [NIR, "--profile", "test", "init", "-m", "5001", "--registry", live.url],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run([NIR, "sync"], env=env, check=True, capture_output=True)
    assert records(second / "data" / "test.db") == local
